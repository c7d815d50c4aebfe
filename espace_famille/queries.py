"""Query pieces every app uses the same way."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.db import connection
from django.db.models import BooleanField, F, Func, IntegerField, Model, QuerySet, Subquery
from django.db.models.query import RawQuerySet

T = TypeVar("T")
M = TypeVar("M", bound=Model)


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

    def as_sql(
        self,
        compiler: Any,
        connection: Any,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, Any]:
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


# Stand-ins for the values of a prepared query: no household has a negative key, and no record
# of the structure is dated in 1900.
_STAND_INS: dict[type, Callable[[int], Any]] = {
    int: lambda n: -1_000_003 - n,
    datetime.date: lambda n: datetime.date(1900, 1, 1) + datetime.timedelta(days=n),
}


class PreparedQuery(Generic[M]):
    """A query built with the ORM once per process, then run with new values.

    Some reads are a dozen nested subqueries: building and compiling them costs the ORM far more
    than the database spends running them (the dashboard's documents per person: about 7 ms to
    build and compile, 0.5 ms to run, on the 2,000-household data set; docs/benchmarks.md,
    issue 18). `build(**values)` writes the query as usual; it is called once, with stand-ins
    for the values (`slots`: name -> int or datetime.date), compiled, and each later run puts
    the real values where the stand-ins were. The SQL stays the ORM's: the rules the query
    reads (`documents.models.still_valid_rule`, …) are not restated.

    Each value must reach the query only as a parameter (a filter's value), never through
    Python arithmetic inside `build`: a date derived from another is a slot of its own.
    """

    def __init__(self, build: Callable[..., QuerySet[M]], **slots: type) -> None:
        self.build, self.slots = build, slots
        # Per database vendor: (the model, the SQL, its parameters, (index, slot) to replace).
        self._compiled: dict[str, tuple[type[M], str, list[Any], list[tuple[int, str]]]] = {}

    def _compile(self) -> tuple[type[M], str, list[Any], list[tuple[int, str]]]:
        vendor = connection.vendor
        if vendor not in self._compiled:
            stand_ins = {
                name: _STAND_INS[kind](n) for n, (name, kind) in enumerate(self.slots.items())
            }
            queryset = self.build(**stand_ins)
            sql, params = queryset.query.sql_with_params()
            slot_of = {_adapted(value): name for name, value in stand_ins.items()}
            places = [(i, slot_of[p]) for i, p in enumerate(params) if _hashable(p) in slot_of]
            missing = set(self.slots) - {name for _i, name in places}
            if missing:
                raise ValueError(f"{sorted(missing)} never reach the query as parameters")
            self._compiled[vendor] = (queryset.model, sql, list(params), places)
        return self._compiled[vendor]

    def raw(self, **values: Any) -> RawQuerySet[M]:
        """The query's rows for these values, as model instances with their annotations."""
        model, sql, params, places = self._compile()
        params = list(params)
        for i, name in places:
            params[i] = _adapted(values[name])
        return model._default_manager.raw(sql, params)


def _adapted(value: Any) -> Any:
    """A value as the compiled SQL's parameters hold it (a date, as the database takes it)."""
    if isinstance(value, datetime.date):
        return connection.ops.adapt_datefield_value(value)
    return value


def _hashable(value: Any) -> Any:
    try:
        hash(value)
    except TypeError:
        return None
    return value
