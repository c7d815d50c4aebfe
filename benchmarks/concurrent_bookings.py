"""Concurrent bookings: processes book the same opening at the same instant

Each process stands for an app server worker (gunicorn forks processes): it opens its own
database connection and calls `booking_create` for its own child, all released together by a
barrier. The opening has 5 places; every other parent must get the normal "complet" answer,
never a server error. Run on its own with `python -m benchmarks.concurrent_bookings` (a fresh
SQLite file, or `--database-url`); `make bench` also reports it on each database.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import multiprocessing
import os
import sys
import tempfile
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import multiprocessing
    import threading

PROCESSES = 30
PLACES = 5


def _setup(prefix: str) -> tuple[int, list[int]]:
    from benchmarks._bookings import bookable_opening, enrolled_household
    from espace_famille.models import Structure

    if not Structure.objects.exists():
        Structure.objects.create(name="Banc d'essai", email="banc@example.org")
    from django.utils import timezone

    day = timezone.localdate() + datetime.timedelta(days=60)
    opening = bookable_opening(name=f"{prefix} concurrence", day=day, capacity=PLACES)
    children = [
        enrolled_household(name=f"{prefix}-{index}", activity=opening.unit.activity).pk
        for index in range(PROCESSES)
    ]
    return opening.pk, children


def _book(
    opening_id: int,
    member_id: int,
    barrier: threading.Barrier,
    results: multiprocessing.Queue[str],
) -> None:
    from django.db import connection

    from famille.models import Member
    from reservations.models import Opening
    from reservations.services import BookingRefused, booking_create

    try:
        member = Member.objects.get(pk=member_id)
        opening = Opening.objects.get(pk=opening_id)
        now = datetime.datetime.now(datetime.UTC)
        barrier.wait(timeout=60)
        booking_create(member=member, opening=opening, user=None, now=now)
        outcome = "booked"
    except BookingRefused as refused:
        outcome = f"refused ({refused.code})"
    except Exception as error:  # the figure this benchmark reports
        outcome = f"{type(error).__name__}: {error}"
    finally:
        connection.close()
    results.put(outcome)


def measure(prefix: str = "CONC") -> tuple[collections.Counter, float, int]:
    """Outcomes of PROCESSES simultaneous bookings, the elapsed seconds, the bookings stored."""
    from django.db import connections

    from reservations.models import Booking

    opening_id, children = _setup(prefix)
    connections.close_all()  # each forked worker opens its own connection
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(children))
    results = context.Queue()
    workers = [
        context.Process(target=_book, args=(opening_id, member_id, barrier, results))
        for member_id in children
    ]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    outcomes = collections.Counter(results.get(timeout=120) for _worker in workers)
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    stored = Booking.objects.filter(opening_id=opening_id, status__in=Booking.ACTIVE).count()
    return outcomes, elapsed, stored


def _summary(outcomes: collections.Counter) -> str:
    return ", ".join(f"{count} {outcome}" for outcome, count in outcomes.most_common())


def run() -> list[dict[str, str]]:
    """Rows for `make bench`, measured in a fresh process on the benchmark's database.

    A fresh process: an earlier benchmark may have left this one's connection on a throw-away
    in-memory database, which forked workers would each copy instead of sharing.
    """
    import subprocess

    command = [sys.executable, "-m", "benchmarks.concurrent_bookings"]
    if os.environ.get("DATABASE_URL"):
        command += ["--database-url", os.environ["DATABASE_URL"]]
    done = subprocess.run(  # noqa: S603 (our own module, fixed arguments)
        command, capture_output=True, text=True, check=False, timeout=600
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("summary: ")]
    if done.returncode != 0 or not lines:  # CI runs `make bench`: a broken benchmark fails it
        raise SystemExit(
            f"benchmarks.concurrent_bookings failed:\n{done.stdout[-1000:]}{done.stderr[-2000:]}"
        )
    figure = lines[-1].removeprefix("summary: ")
    return [
        {
            "benchmark": f"{PROCESSES} processes book an opening of {PLACES} places at once",
            "result": figure,
            "command": "python -m benchmarks.concurrent_bookings",
        }
    ]


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.concurrent_bookings")
    parser.add_argument(
        "--database-url", help="a database to use (default: a new temporary SQLite file)"
    )
    args = parser.parse_args()
    from benchmarks.__main__ import _configure

    # No payment here: the sandbox, which the settings refuse with DEBUG off unless allowed.
    os.environ.setdefault("PAYMENT_PROVIDER", "sandbox")
    os.environ.setdefault("ALLOW_SANDBOX_PAYMENTS", "1")
    with tempfile.TemporaryDirectory() as tmp:
        vendor = _configure(args.database_url, tmp)
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        outcomes, elapsed, stored = measure()
    print(f"{vendor}: {PROCESSES} processes, an opening of {PLACES} places")
    for outcome, count in outcomes.most_common():
        print(f"  {count:3d}  {outcome}")
    print(f"  bookings stored: {stored}; elapsed {elapsed:.1f} s")
    print(f"summary: {_summary(outcomes)}; {stored} bookings stored; {elapsed:.1f} s")
    return 0 if stored == PLACES and outcomes["booked"] == PLACES else 1


if __name__ == "__main__":
    sys.exit(main())
