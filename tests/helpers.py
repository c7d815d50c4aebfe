"""Helpers shared by test modules."""

PORTAL_URLS = [
    "/",
    "/famille/",
    "/inscriptions/",
    "/reservations/",
    "/factures/",
    "/documents/",
    "/historique/",
    "/documentation/",
    "/contact/",
]
