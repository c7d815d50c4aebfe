"""Query pieces every app uses the same way."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import F, Func, IntegerField, QuerySet, Subquery

T = TypeVar("T")


def count_of(queryset: QuerySet[Any]) -> Subquery:
    """`SELECT COUNT(*)` of `queryset` as a (correlated) subquery: 0 when nothing matches.

    Without GROUP BY the count is one row whatever matches, so no COALESCE is needed.
    """
    counted = queryset.order_by().annotate(
        _count=Func(F("pk"), function="COUNT", output_field=IntegerField())
    )
    return Subquery(counted.values("_count"), output_field=IntegerField())


def once_per_instance(instance: Any, key: str, compute: Callable[[], T]) -> T:
    """`compute()` the first time `key` is asked of `instance`, the kept answer after.

    The dashboard reads the same counts twice from `request.family` (a tile's badge and its
    "À faire" line): kept on that instance, they cost one query for the request. Only for
    reads within one request: the instance dies with it.
    """
    kept: dict[str, Any] = instance.__dict__.setdefault("_once_per_instance", {})
    if key not in kept:
        kept[key] = compute()
    return kept[key]
