"""Historique pages timed by the benchmark harness (logged in as the family's parent)."""

PAGES = [
    ("Historique — connexions (mois)", lambda family: "/historique/?periode=mois"),
    ("Historique — paiements (mois)", lambda family: "/historique/paiements/?periode=mois"),
    ("Historique — paiements (semaine)", lambda family: "/historique/paiements/?periode=semaine"),
]
