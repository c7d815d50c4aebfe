"""Query pieces every app uses the same way."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import BooleanField, F, Func, IntegerField, QuerySet, Subquery

T = TypeVar("T")


def count_of(queryset: QuerySet[Any]) -> Subquery:
    """`SELECT COUNT(*)` of `queryset` as a (correlated) subquery: 0 when nothing matches.

    Without GROUP BY the count is one row whatever matches, so no COALESCE is needed.
    """
    counted = queryset.order_by().annotate(
        _count=Func(F("pk"), function="COUNT", output_field=IntegerField())
    )
    return Subquery(counted.values("_count"), output_field=IntegerField())


class InSubquery(Func):
    """`column IN (subquery)`, where the subquery does not depend on the outer row, written so
    that both engines can search an index with its answer even beside an OR.

    PostgreSQL plans `IN (SELECT ...)` under an OR as a filter run on every row the rest of the
    query reads; `= ANY(ARRAY(SELECT ...))` is computed once first (an InitPlan) and then
    searched in the column's index. SQLite searches the index with either form.
    """

    output_field = BooleanField()
    conditional = True

    def __init__(self, column: str, queryset: QuerySet[Any]) -> None:
        super().__init__(F(column), Subquery(queryset))

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        column, subquery = self.get_source_expressions()
        column_sql, column_params = compiler.compile(column)
        subquery_sql, subquery_params = compiler.compile(subquery)
        template = "%s = ANY(ARRAY%s)" if connection.vendor == "postgresql" else "%s IN %s"
        return template % (column_sql, subquery_sql), [*column_params, *subquery_params]


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
