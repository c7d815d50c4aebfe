from django.urls import path

from reservations import views
from reservations.absences import views as absences

app_name = "reservations"
urlpatterns = [
    path("", views.index, name="index"),
    path("membre/<int:pk>/", views.planning, name="planning"),
    path("membre/<int:pk>/semaine-type/", views.typical_week, name="typical_week"),
    path("absence/<int:pk>/", absences.declare, name="absence"),
    path("agenda/renouveler/", views.calendar_feed_renew, name="calendar_feed_renew"),
    path("agenda/<int:pk>/<str:secret>.ics", views.calendar_feed, name="calendar_feed"),
]
