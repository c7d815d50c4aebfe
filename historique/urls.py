from django.urls import path

from historique import views

app_name = "historique"
urlpatterns = [
    path("", views.index, name="index"),
    path("paiements/", views.payments, name="paiements"),
]
