"""Mes factures pages timed by the benchmark harness (logged in as the family's parent)."""

PAGES = [
    ("Mes factures (à payer)", lambda family: "/factures/"),
    ("Mes factures (soldées)", lambda family: "/factures/?etat=soldees"),
    (
        "Mes factures (filtre période)",
        lambda family: "/factures/?etat=soldees&du=2026-01-01&au=2026-06-30",
    ),
]
