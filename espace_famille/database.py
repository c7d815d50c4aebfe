"""Database set-up that `migrate` does on its own: the tables of the database cache."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command


def create_cache_tables(*, using: str, verbosity: int = 1, **kwargs: Any) -> None:
    """After every `migrate`, create the table of each database cache in CACHES if it is missing.

    allauth keeps its login rate-limit counters in the cache: without the table the login page
    answers 500. Running Django's `createcachetable` here makes `migrate` the only database step
    of every installation; it does nothing for other cache backends or tables that exist.
    """
    call_command("createcachetable", database=using, verbosity=max(verbosity - 1, 0))
