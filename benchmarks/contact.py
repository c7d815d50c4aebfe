"""Contact pages for the benchmark harness: fn(family) -> URL, timed as its parent."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse

if TYPE_CHECKING:
    from famille.models import Family


def _latest_thread(family: Family) -> str:
    thread = family.threads.order_by("-last_message_at").first()
    return reverse("contact:thread", args=[thread.pk]) if thread else reverse("contact:index")


PAGES = [
    ("contact: threads and form", lambda family: reverse("contact:index")),
    ("contact: a conversation", _latest_thread),
]
