"""Mes réservations pages for the benchmark harness: fn(family) -> URL, timed as its parent."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse

if TYPE_CHECKING:
    from famille.models import Family


def _child(family: Family) -> int | None:
    child = family.members.filter(role="child").order_by("pk").first()
    return child.pk if child else None


def _planning(family: Family, suffix: str = "") -> str:
    pk = _child(family)
    return (
        reverse("reservations:planning", args=[pk]) + suffix
        if pk
        else reverse("reservations:index")
    )


def _typical_week(family: Family) -> str:
    pk = _child(family)
    return reverse("reservations:typical_week", args=[pk]) if pk else reverse("reservations:index")


PAGES = [
    ("Mes réservations", lambda family: reverse("reservations:index")),
    ("Planning de la semaine", _planning),
    ("Planning du mois", lambda family: _planning(family, "?vue=mois")),
    ("Semaine type (formulaire)", _typical_week),
]
