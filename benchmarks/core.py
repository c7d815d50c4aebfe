"""Core pages."""

from django.urls import reverse

PAGES = [
    ("Tableau de bord", lambda family: reverse("dashboard")),
]
