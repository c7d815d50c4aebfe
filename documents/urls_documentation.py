from django.urls import path

from documents import views

app_name = "documentation"
urlpatterns = [
    path("", views.documentation, name="index"),
    path("<int:pk>/fichier/", views.documentation_file, name="file"),
]
