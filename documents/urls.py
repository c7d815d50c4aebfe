from django.urls import path

from documents import views

app_name = "documents"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:type_pk>/envoyer/", views.upload, name="upload"),
    path("fichier/<int:pk>/", views.submission_file, name="file"),
]
