from django.urls import path

from inscriptions import views

app_name = "inscriptions"
urlpatterns = [
    path("", views.index, name="index"),
    path("membre/<int:pk>/", views.member, name="member"),
    path("membre/<int:pk>/demande/", views.request_enrolment, name="request"),
]
