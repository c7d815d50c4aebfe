from django.urls import path

from factures import views
from factures.sepa import views as sepa_views

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
    path("paiement/<str:reference>/formulaire/", views.gateway_form, name="gateway_form"),
    path(
        "paiement/<str:reference>/retour-prestataire/",
        views.gateway_return,
        name="gateway_return",
    ),
    path("paiement/parcours/suivante/", views.journey_next, name="journey_next"),
    path("paiement/parcours/recapitulatif/", views.journey_summary, name="journey_summary"),
    path("notifications/<str:provider>/", views.notification, name="payment_notification"),
    path("prelevement/", sepa_views.mandate, name="sepa_mandate"),
    path("prelevement/<int:pk>/revoquer/", sepa_views.mandate_revoke, name="sepa_revoke"),
    path("prelevement/<int:pk>/pdf/", sepa_views.mandate_pdf, name="sepa_mandate_pdf"),
]
