from django.urls import path

from contact import views

app_name = "contact"
urlpatterns = [
    path("", views.index, name="index"),
    path("conversations/<int:pk>/", views.thread, name="thread"),
    path("pieces-jointes/<int:pk>/", views.attachment, name="attachment"),
]
