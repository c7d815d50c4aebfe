from django.urls import path

from factures import views

app_name = "factures"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/pdf/", views.pdf, name="pdf"),
    path("attestations/", views.attestations, name="attestations"),
    path(
        "attestations/<int:year>/fiscale/",
        views.attestation_fiscale,
        name="attestation_fiscale",
    ),
    path(
        "attestations/<int:year>/presence/<int:member_pk>/",
        views.attestation_presence,
        name="attestation_presence",
    ),
    path("paiement/", views.pay, name="pay"),
    path("paiement/<str:reference>/sandbox/", views.sandbox_checkout, name="sandbox_checkout"),
    path("paiement/<str:reference>/retour/", views.payment_return, name="payment_return"),
    path("paiement/<str:reference>/annuler/", views.payment_cancel, name="payment_cancel"),
    path("notifications/<str:provider>/", views.notification, name="payment_notification"),
]
