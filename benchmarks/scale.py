"""Cost flat as the town grows: the same household's pages timed on databases of several sizes.

    python -m benchmarks.scale --requests 30 URL [URL ...]

Each URL names an existing database already filled by `manage.py demo --force` then
`manage.py demo --force --families N` (2,000 and 10,000 households, say) and migrated. The demo
household TEST is the same in every database, so its pages should cost the same whatever N: a
page that slows down reads rows of other households (`tests/test_query_plans.py` guards the
plans). Prints, per database, each portal page's median wall and process-CPU milliseconds and its
queries; CPU time is the steadier figure on a machine that runs other jobs.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _time_pages(requests: int) -> list[tuple[str, str, float, float, int, int]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    import benchmarks.__main__ as harness
    from espace_famille.models import User

    parent = User.objects.select_related("family").get(email="test@example.org")
    client = Client()
    client.force_login(parent)
    rows = []
    for module in harness._modules():
        for label, url_for in getattr(module, "PAGES", []):
            url = url_for(parent.family)
            for _warm_up in range(3):
                client.get(url)
            wall, cpu = [], []
            for _request in range(requests):
                started, used = time.perf_counter(), time.process_time()
                client.get(url)
                wall.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - used) * 1000)
            with CaptureQueriesContext(connection) as captured:
                client.get(url)
            rows.append(
                (
                    label,
                    url,
                    statistics.median(wall),
                    statistics.median(cpu),
                    len(captured.captured_queries),
                    _buffers(captured.captured_queries),
                )
            )
    return rows


def _buffers(queries: list[dict]) -> int:
    """PostgreSQL only: the 8 kB pages the page's SELECTs touch (shared buffers hit or read),
    from EXPLAIN (ANALYZE, BUFFERS). Unlike time, the count does not depend on what else the
    machine runs: a query that reads other households' rows touches more pages as the town
    grows. -1 on SQLite."""
    import json

    from django.db import connection

    if connection.vendor != "postgresql":
        return -1
    pages = 0
    with connection.cursor() as cursor:
        for query in queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}")
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            top = plan[0]["Plan"]
            pages += top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0)
    return pages


def _one(database_url: str, requests: int) -> None:
    """Run in a child process: Django is set up once per database."""
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": database_url,
            "STATIC_ROOT": tempfile.mkdtemp(prefix="scale-static-"),
        }
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("collectstatic", verbosity=0, interactive=False)
    from famille.models import Family

    households = Family.objects.count()
    for label, url, wall, cpu, queries, pages in _time_pages(requests):
        print(f"{households}\t{label}\t{url}\t{wall:.1f}\t{cpu:.1f}\t{queries}\t{pages}")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale")
    parser.add_argument("databases", nargs="+", help="database URLs, smallest first")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        _one(args.databases[0], args.requests)
        return 0
    results: dict[str, dict[str, tuple[float, float, int, int]]] = {}
    sizes = []
    for url in args.databases:
        output = subprocess.run(  # noqa: S603 — this module, another database
            [
                sys.executable,
                "-m",
                "benchmarks.scale",
                "--one",
                "--requests",
                str(args.requests),
                url,
            ],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        for line in output.splitlines():
            households, label, page, wall, cpu, queries, pages = line.split("\t")
            column = f"{Path(url).stem} ({households} households)"
            if column not in sizes:
                sizes.append(column)
            results.setdefault(f"{label} (`{page}`)", {})[column] = (
                float(wall),
                float(cpu),
                int(queries),
                int(pages),
            )
    buffers = any(cell[3] >= 0 for by_size in results.values() for cell in by_size.values())
    header = " | ".join(
        f"{n}: wall / CPU ms, queries" + (", pages read" if buffers else "") for n in sizes
    )
    print(f"| page | {header} |")
    print("|---|" + "---|" * len(sizes))
    for page, by_size in results.items():
        cells = " | ".join(
            f"{by_size[n][0]:.1f} / {by_size[n][1]:.1f}, {by_size[n][2]}"
            + (f", {by_size[n][3]}" if buffers else "")
            for n in sizes
        )
        print(f"| {page} | {cells} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
