"""Query pieces every app uses the same way."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Func, IntegerField, QuerySet, Subquery


def count_of(queryset: QuerySet[Any]) -> Subquery:
    """`SELECT COUNT(*)` of `queryset` as a (correlated) subquery: 0 when nothing matches.

    Without GROUP BY the count is one row whatever matches, so no COALESCE is needed.
    """
    counted = queryset.order_by().annotate(
        _count=Func(F("pk"), function="COUNT", output_field=IntegerField())
    )
    return Subquery(counted.values("_count"), output_field=IntegerField())
