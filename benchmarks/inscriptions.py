"""Mes inscriptions pages for the benchmark harness: fn(family) -> URL, timed as its parent."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse

if TYPE_CHECKING:
    from famille.models import Family


def _first_child(family: Family) -> str:
    child = family.members.filter(role="child").order_by("pk").first()
    return (
        reverse("inscriptions:member", args=[child.pk]) if child else reverse("inscriptions:index")
    )


PAGES = [
    ("Mes inscriptions", lambda family: reverse("inscriptions:index")),
    ("Inscriptions d'un enfant (et demande)", _first_child),
]
