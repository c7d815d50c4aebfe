"""Admin pages (as a superuser; every changelist and one change page per model admin)

The pages are enumerated from the admin site's registry, not from a hand list: a new model
admin is timed by the next `make bench`. The change page opens the model's most recent row.

`python -m benchmarks.admin` times them against the database of the environment
(DATABASE_URL, e.g. a copy of a benchmark file) and prints the table with the process CPU time,
which varies less than the wall time on a shared machine.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.test import Client

    from espace_famille.models import User

REQUESTS = 10
# docs/benchmarks.md keeps the hand-run table on the full benchmark file between these marks.
START, END = "<!-- admin: benchmarks/admin.py -->", "<!-- /admin -->"
WARM_UP = 2


def admin_pages() -> list[tuple[str, str]]:
    """(label, URL) of the admin's home page, every registered changelist, one change page per
    model admin, and the custom pages of each model admin that need no object (forms such as
    "Facturer un mois")."""
    from django.contrib import admin
    from django.urls import URLPattern, reverse

    pages = [("accueil de l'administration", reverse("admin:index"))]
    for model in sorted(admin.site._registry, key=lambda model: model._meta.label):
        opts = model._meta
        base = f"admin:{opts.app_label}_{opts.model_name}"
        pages.append((f"{opts.label} (liste)", reverse(f"{base}_changelist")))
        row = model._default_manager.order_by("-pk").values_list("pk", flat=True).first()
        if row is not None:
            pages.append((f"{opts.label} (fiche)", reverse(f"{base}_change", args=[row])))
        standard = {f"{base[6:]}_{view}" for view in ("changelist", "add", "change", "delete")}
        standard.add(f"{base[6:]}_history")
        for pattern in admin.site._registry[model].get_urls():
            if (
                isinstance(pattern, URLPattern)
                and pattern.name
                and pattern.name not in standard
                and not pattern.pattern.converters
                and not getattr(pattern.callback, "post_only", False)  # a button, not a page
            ):
                pages.append((f"{opts.label} ({pattern.name})", reverse(f"admin:{pattern.name}")))
    return pages


def _superuser() -> User:
    from espace_famille.models import User

    user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if user is None:
        user = User.objects.create_superuser(
            email="bench-admin@example.org", password=None
        )  # no password: force_login only
    return user


def finished_job() -> None:
    """A finished billing run, so that a job's progress page is timed too."""
    from espace_famille.models import StaffJob

    if not StaffJob.objects.exists():
        StaffJob.objects.create(
            kind="factures.billing_run",
            label="benchmark",
            state=StaffJob.State.SUCCEEDED,
            done=2000,
            total=2000,
            result={"summary": "2000 factures émises.", "url": "/admin/factures/invoice/"},
            started_by=_superuser(),
        )


def _client() -> Client:
    from django.conf import settings
    from django.test import Client

    settings.STAFF_REQUIRE_TOTP = False
    client = Client()
    client.force_login(_superuser())
    return client


def server_sql_ms(queries: list[dict[str, Any]]) -> float | None:
    """On PostgreSQL, the server's execution time of a page's SELECTs (EXPLAIN ANALYZE), which
    the process CPU time does not include; None on SQLite (its SQL runs in the process)."""
    import re

    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    total = 0.0
    with connection.cursor() as cursor:
        for query in queries:
            if not query["sql"].lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (ANALYZE, FORMAT TEXT) " + query["sql"])
            plan = "\n".join(row[0] for row in cursor.fetchall())
            found = re.search(r"Execution Time: ([\d.]+)", plan)
            total += float(found.group(1)) if found else 0.0
    return total


def measure(
    requests: int = REQUESTS,
) -> Iterator[tuple[str, str, float, float, int, int, float | None]]:
    """Yield (label, url, median ms, median CPU ms, queries, status, SQL server ms) for every
    admin page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client()
    finished_job()
    for label, url in admin_pages():
        for _warm in range(WARM_UP):
            client.get(url)
        walls: list[float] = []
        cpus: list[float] = []
        servers: list[float | None] = []
        queries, status = 0, 0
        for _request in range(requests):
            with CaptureQueriesContext(connection) as captured:
                cpu, wall = time.process_time(), time.perf_counter()
                response = client.get(url)
                walls.append((time.perf_counter() - wall) * 1000)
                cpus.append((time.process_time() - cpu) * 1000)
            queries = max(queries, len(captured.captured_queries))
            status = response.status_code
            if len(servers) < 3:
                servers.append(server_sql_ms(captured.captured_queries))
        measured = [ms for ms in servers if ms is not None]  # None on SQLite
        server = statistics.median(measured) if measured else None
        wall_ms, cpu_ms = statistics.median(walls), statistics.median(cpus)
        yield label, url, wall_ms, cpu_ms, queries, status, server


def run(requests: int = REQUESTS) -> list[dict]:
    rows = []
    for label, url, wall, cpu, queries, status, server in measure(requests):
        if status != 200:
            raise SystemExit(f"{label} ({url}) answered {status}")
        sql = f", SQL {server:.1f} ms on the server" if server is not None else ""
        rows.append(
            {
                "benchmark": f"{label} `{url}`",
                "result": f"{wall:.1f} ms (CPU {cpu:.1f} ms{sql}), {queries} queries",
            }
        )
    return rows


def main() -> int:
    import django

    django.setup()
    print("| page | URL | median ms | CPU ms | SQL server ms | CPU + SQL ms | queries | status |")
    print("|---|---|---|---|---|---|---|---|")
    for label, url, wall, cpu, queries, status, server in measure(
        int(sys.argv[1]) if len(sys.argv) > 1 else REQUESTS
    ):
        sql = "—" if server is None else f"{server:.1f}"
        both = cpu + (server or 0.0)
        print(
            f"| {label} | `{url}` | {wall:.1f} | {cpu:.1f} | {sql} | {both:.1f} | {queries} "
            f"| {status} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
