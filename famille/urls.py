from django.urls import path

from famille import views

app_name = "famille"
urlpatterns = [
    path("", views.index, name="index"),
    path("foyer/", views.household, name="household"),
    path("membres/<int:pk>/", views.member, name="member"),
    path("ajouter/<slug:role>/", views.member_add, name="member_add"),
    path("demandes/<int:pk>/", views.change_request_detail, name="request"),
    path("demandes/<int:pk>/annuler/", views.change_request_withdraw, name="request_cancel"),
    path("supprimer-le-compte/", views.deletion_request, name="deletion"),
    path("rappels/", views.reminder_choices, name="reminders"),
]
