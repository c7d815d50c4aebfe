"""The project's own Django apps, written once, in the order of their imports (core first).

Read by the settings (`INSTALLED_APPS`), by scripts/check_translations.py (one catalogue per app)
and by setup.py (the packages of the distribution). Plain data, no import: the translation
checker and the packaging read this file without setting Django up.
"""

PROJECT_APPS: tuple[str, ...] = (
    "espace_famille",
    "famille",
    "documents",
    "inscriptions",
    "reservations",
    "factures",
    "historique",
    "contact",
)
