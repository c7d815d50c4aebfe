"""The portal's hot queries start from the household, never from the whole town's rows.

Each page listed for the benchmarks (`benchmarks/<app>.py`) is opened as a demo parent while
other households exist; every SELECT it runs is explained by SQLite's planner (no statistics,
as on a fresh production file), and a step that reaches a household table through anything but
the household's own keys fails the test: such a plan reads rows of other households, and the
page slows down as the town grows (the status index once made /reservations/ read every
accepted enrolment of the town).
"""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from espace_famille.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

# Keys that reach a household's rows from the household (or from one of its rows).
HOUSEHOLD_KEYS = {
    "rowid",
    "id",
    "family_id",
    "member_id",
    "invoice_id",
    "thread_id",
    "change_request_id",
    "payment_id",
    "booking_id",
    "submission_id",
    "user_id",
    # The credit notes of the household's invoices (a credit note corrects its own household's).
    "corrects_id",
    # An opening's bookings and waiting list are bounded by its capacity, not by the town.
    "opening_id",
}
STEP = re.compile(
    r"^(SCAN|SEARCH) (\S+)(?: USING (?:COVERING )?(?:INDEX (\S+)|INTEGER PRIMARY KEY))?"
)
CONSTRAINT = re.compile(r"\((\w+)[=<>]")
ALIAS = re.compile(r'(?:FROM|JOIN)\s+"?(\w+)"?\s+(?:AS\s+)?"?(\w+)"?', re.IGNORECASE)


def _household_tables() -> set[str]:
    """Tables whose rows belong to one household: Family, and what points at it (two steps)."""
    family = apps.get_model("famille", "Family")
    owned = {family}
    for _depth in range(3):
        for model in apps.get_models():
            for field in model._meta.concrete_fields:
                if field.is_relation and field.related_model in owned and field.name != "structure":
                    owned.add(model)
    return {model._meta.db_table for model in owned}


def _bad_steps(sql: str, household: set[str]) -> list[str]:
    aliases = {alias: table for table, alias in ALIAS.findall(sql)}
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        steps = [row[-1] for row in cursor.fetchall()]
    bad = []
    for step in steps:
        match = STEP.match(step)
        if not match:
            continue
        table = aliases.get(match.group(2), match.group(2))
        if table not in household:
            continue
        constraint = CONSTRAINT.search(step)
        if match.group(1) == "SCAN" or not constraint or constraint.group(1) not in HOUSEHOLD_KEYS:
            bad.append(step)
        elif _reads_empty_keys(sql, match.group(2), table, constraint.group(1), match.group(3)):
            bad.append(f"{step} (the index holds every row left without a household)")
    return bad


def _reads_empty_keys(sql: str, alias: str, table: str, column: str, index: str | None) -> bool:
    """Whether the step searches for an empty household key in an index that keeps the NULLs.

    The planner writes `family_id IS NULL` as `(family_id=?)`: on the bookings, where an empty
    household means the child's main one, such a search read every booking of the town (the
    dashboard took 150 ms on the 2,000-household data set). Those keys are indexed only where
    set (`reservations.models.household_index`).
    """
    if column != "family_id" or index is None:
        return False
    if not re.search(rf'\b"?{alias}"?\."{column}" IS NULL', sql):
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = %s", [index])
        found = cursor.fetchone()
    definition = (found[0] or "") if found else ""  # automatic indexes have no SQL
    return f'"{column}" IS NOT NULL' not in definition


def _pages():
    import benchmarks.__main__ as harness

    for module in harness._modules():
        yield from getattr(module, "PAGES", [])


@pytest.fixture
def town(structure):
    call_command("demo", force=True, verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("demo", force=True, families=3, verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    return User.objects.select_related("family").get(email="test@example.org")


def test_portal_queries_start_from_the_household(town):
    household = _household_tables()
    assert {"inscriptions_enrolment", "reservations_booking", "factures_invoice"} <= household
    client = Client()
    client.force_login(town)
    problems = []
    for label, url_for in _pages():
        url = url_for(town.family)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, (label, url)
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            for step in _bad_steps(sql, household):
                problems.append(f"{label} ({url}): {step}\n    {sql[:200]}")
    assert problems == [], "\n".join(problems)
