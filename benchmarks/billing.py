"""Billing benchmarks: render one invoice PDF, serve a stored one, bill 2,000 households' month.

    python -m benchmarks.billing                 # 2,000 households, SQLite test database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python -m benchmarks.billing
    python -m benchmarks.billing --households 500

`run()` builds its own throw-away test database (never the development one), fills it, measures
and destroys it; it returns rows {"benchmark", "result", "command"} for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import time
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from factures.models import Invoice
    from famille.models import Family

COMMAND = "python -m benchmarks.billing"
MONTH = datetime.date(2026, 10, 1)


def _timed(fn: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def _ms(times: list[float]) -> str:
    return f"median {statistics.median(times):.1f} ms (min {min(times):.1f}, n={len(times)})"


def _households(count: int) -> list[Family]:
    """`count` households of two children, each booked 4 Wednesdays and 2 units in October."""
    from factures.models import Tariff
    from famille.models import Family, Member
    from inscriptions.models import Activity, Unit
    from reservations.models import Booking, Opening
    from reservations.services import openings_recount

    activity = Activity.objects.create(
        name="Mercredis loisirs",
        service="loisirs",
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2027, 7, 6),
    )
    units = [
        Unit.objects.create(activity=activity, name="Matin", order=1),
        Unit.objects.create(activity=activity, name="Repas", order=2),
    ]
    for unit in units:
        for qf_min, qf_max, price in (
            (None, 700, "3.00"),
            (701, 1200, "4.00"),
            (1201, None, "5.00"),
        ):
            Tariff.objects.create(
                unit=unit, price=price, valid_from=MONTH, qf_min=qf_min, qf_max=qf_max
            )
    days = [datetime.date(2026, 10, d) for d in (7, 14, 21, 28)]
    openings = Opening.objects.bulk_create(
        Opening(unit=unit, date=day, capacity=count * 2) for unit in units for day in days
    )
    families = Family.objects.bulk_create(
        Family(
            name=f"BENCH-{i:05d}",
            city="Lyon",
            email=f"bench{i}@example.org",
            quotient_familial=400 + (i * 37) % 1400,
        )
        for i in range(count)
    )
    children = Member.objects.bulk_create(
        Member(family=family, role="child", first_name=name, last_name=family.name)
        for family in families
        for name in ("Alice", "Bruno")
    )
    Booking.objects.bulk_create(
        (Booking(member=child, opening=opening) for child in children for opening in openings),
        batch_size=2000,
    )
    openings_recount(opening_ids=[opening.pk for opening in openings])
    return families


def _pdf_invoice() -> Invoice:
    from factures import services
    from factures.services import LineSpec
    from famille.models import Family

    family = Family.objects.order_by("pk").first()
    if family is None:
        raise RuntimeError("the benchmark's households are made first")
    lines = [
        LineSpec(
            label=f"Mercredis loisirs — unité {i}",
            quantity=Decimal(4),
            unit_price=Decimal("3.50"),
            member_name=f"Enfant {i % 3}",
        )
        for i in range(20)
    ]
    return services.invoice_issue(
        family=family, period_start=MONTH, period_end=MONTH, lines=lines, render_pdf=False
    )


def _measure(households: int) -> list[dict[str, str]]:
    from django.db import connection
    from django.test import Client

    from espace_famille.models import User
    from factures import services
    from factures.billing import billing_run
    from factures.models import InvoiceLine
    from factures.pdf import invoice_pdf_render

    vendor = connection.vendor
    command = COMMAND if vendor == "sqlite" else f"DATABASE_URL=<{vendor} URL> {COMMAND}"
    if households != 2000:
        command += f" --households {households}"
    families = _households(households)
    rows = []

    start = time.perf_counter()
    result = billing_run(month=MONTH, render_pdf=False)
    seconds = time.perf_counter() - start
    lines = InvoiceLine.objects.count()
    rows.append(
        {
            "benchmark": f"Billing run, {households} households' month ({vendor})",
            "result": f"{seconds:.2f} s for {len(result.invoices)} invoices, {lines} lines, "
            f"{households * 16} bookings ({seconds / max(len(result.invoices), 1) * 1000:.1f} ms "
            "per household, emails included, PDFs deferred)",
            "command": command,
        }
    )
    start = time.perf_counter()
    again = billing_run(month=MONTH, render_pdf=False)
    rows.append(
        {
            "benchmark": f"Billing run again, nothing left to bill ({vendor})",
            "result": f"{time.perf_counter() - start:.2f} s, {len(again.invoices)} invoice",
            "command": command,
        }
    )

    invoice = _pdf_invoice()
    render = _timed(lambda: invoice_pdf_render(invoice), 10)
    rows.append(
        {
            "benchmark": "Render one invoice PDF (20 lines, WeasyPrint)",
            "result": _ms(render),
            "command": command,
        }
    )
    services.invoice_pdf_store(invoice_id=invoice.pk)
    parent = User.objects.create_user("bench-parent@example.org", family=families[0])
    client = Client()
    client.force_login(parent)
    url = f"/factures/{invoice.pk}/pdf/"

    def serve() -> None:
        response = client.get(url)
        assert response.status_code == 200  # noqa: S101 - a failed request invalidates the figure
        b"".join(response.streaming_content)  # type: ignore[attr-defined]  # a FileResponse

    rows.append(
        {
            "benchmark": "Serve a stored invoice PDF (authorised view, local storage)",
            "result": _ms(_timed(serve, 50)),
            "command": command,
        }
    )
    return rows


def run(households: int = 2000) -> list[dict[str, str]]:
    """Measure in a throw-away test database and return the rows for docs/benchmarks.md."""
    import tempfile

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")  # locmem email
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    media = tempfile.TemporaryDirectory()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": media.name, "base_url": None},
        },
    }
    setup_test_environment()
    # create_test_db returns the *test* database's name: keep the real one to come back to, or
    # every later benchmark of `make bench` would run against the dropped test database.
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        return _measure(households)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        # SQLite's test database lives in memory, and Django keeps such a connection open
        # whatever the name says now: closed here, the next benchmark reopens the real file
        # (without this, the planning benchmark found no household and wrote no row).
        connection.close()
        teardown_test_environment()
        media.cleanup()


def as_markdown(rows: list[dict[str, str]]) -> str:
    lines = ["| benchmark | result | command |", "|---|---|---|"]
    lines += [f"| {r['benchmark']} | {r['result']} | `{r['command']}` |" for r in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=2000)
    print(as_markdown(run(parser.parse_args().households)))
