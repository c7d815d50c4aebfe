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
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.test import Client

    from espace_famille.models import User

REQUESTS = 10
# docs/benchmarks.md keeps the hand-run table on the full benchmark file between these marks.
START, END = "<!-- admin: benchmarks/admin.py -->", "<!-- /admin -->"
WARM_UP = 2


def admin_pages() -> list[tuple[str, str]]:
    """(label, URL) of every registered changelist and of one change page per model admin."""
    from django.contrib import admin
    from django.urls import reverse

    pages = []
    for model in sorted(admin.site._registry, key=lambda model: model._meta.label):
        opts = model._meta
        base = f"admin:{opts.app_label}_{opts.model_name}"
        pages.append((f"{opts.label} (liste)", reverse(f"{base}_changelist")))
        row = model._default_manager.order_by("-pk").values_list("pk", flat=True).first()
        if row is not None:
            pages.append((f"{opts.label} (fiche)", reverse(f"{base}_change", args=[row])))
    return pages


def _superuser() -> User:
    from espace_famille.models import User

    user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if user is None:
        user = User.objects.create_superuser(
            email="bench-admin@example.org", password=None
        )  # no password: force_login only
    return user


def _client() -> Client:
    from django.conf import settings
    from django.test import Client

    settings.STAFF_REQUIRE_TOTP = False
    client = Client()
    client.force_login(_superuser())
    return client


def measure(
    requests: int = REQUESTS,
) -> Iterator[tuple[str, str, float, float, int, int]]:
    """Yield (label, url, median ms, median CPU ms, queries, status) for every admin page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client()
    for label, url in admin_pages():
        for _warm in range(WARM_UP):
            client.get(url)
        walls, cpus, queries, status = [], [], 0, 0
        for _request in range(requests):
            with CaptureQueriesContext(connection) as captured:
                cpu, wall = time.process_time(), time.perf_counter()
                response = client.get(url)
                walls.append((time.perf_counter() - wall) * 1000)
                cpus.append((time.process_time() - cpu) * 1000)
            queries = max(queries, len(captured.captured_queries))
            status = response.status_code
        yield label, url, statistics.median(walls), statistics.median(cpus), queries, status


def run(requests: int = REQUESTS) -> list[dict]:
    rows = []
    for label, url, wall, cpu, queries, status in measure(requests):
        if status != 200:
            raise SystemExit(f"{label} ({url}) answered {status}")
        rows.append(
            {
                "benchmark": f"{label} `{url}`",
                "result": f"{wall:.1f} ms (CPU {cpu:.1f} ms), {queries} queries",
            }
        )
    return rows


def main() -> int:
    import django

    django.setup()
    print("| page | URL | median ms | CPU ms | queries | status |")
    print("|---|---|---|---|---|---|")
    for label, url, wall, cpu, queries, status in measure(
        int(sys.argv[1]) if len(sys.argv) > 1 else REQUESTS
    ):
        print(f"| {label} | `{url}` | {wall:.1f} | {cpu:.1f} | {queries} | {status} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
