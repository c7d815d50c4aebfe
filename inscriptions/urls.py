from django.urls import path

from inscriptions import views

app_name = "inscriptions"
urlpatterns = [
    path("", views.index, name="index"),
]
