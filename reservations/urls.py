from django.urls import path

from reservations import views
from reservations.absences import views as absences

app_name = "reservations"
urlpatterns = [
    path("", views.index, name="index"),
    path("membre/<int:pk>/", views.planning, name="planning"),
    path("membre/<int:pk>/semaine-type/", views.typical_week, name="typical_week"),
    path("absence/<int:pk>/", absences.declare, name="absence"),
]
