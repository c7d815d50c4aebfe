"""Ma famille pages for the benchmark harness: fn(family) -> URL, timed as its parent."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse

if TYPE_CHECKING:
    from famille.models import Family


def _first_child(family: Family) -> str:
    child = family.members.filter(role="child").order_by("pk").first()
    return reverse("famille:member", args=[child.pk]) if child else reverse("famille:index")


PAGES = [
    ("famille: overview", lambda family: reverse("famille:index")),
    ("famille: household form", lambda family: reverse("famille:household")),
    ("famille: child form", _first_child),
    ("famille: add a child form", lambda family: reverse("famille:member_add", args=["enfant"])),
]
