"""The registration rush: many parents log in, open the planning and book the same opening.

    python -m benchmarks.rush --parents 500 --capacity 20 [--spread 5] [--database-url URL]

A fresh database (a temporary SQLite file, or the empty PostgreSQL database given) gets the demo
structure, one activity with one opening of `--capacity` places, and `--parents` households, each
with a parent login and an enrolled child. Two gunicorn workers serve it on loopback, or with
`--stack` (PostgreSQL only) the production stack of deploy/stack.py: nginx with TLS in front of
two app servers of `--workers` gunicorn workers each, Redis and the task worker, on a copy of
that database. Every parent then, in its own
thread: opens the login page, logs in, opens the week planning and books the opening; with
`--spread S` the parents start at random moments within S seconds, with 0 all at once.

It prints each step's p50/p99 latency, the errors (any status other than the expected one) and
the places booked, and exits 1 when a request failed or the opening is not booked exactly to its
capacity. CI runs a small rush (`make rush-check`); `make bench` records the full one.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "ruee-du-matin-2027"  # noqa: S105 — generated accounts of a throw-away database
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# The proxy's self-signed certificate when the rush goes through the stack (--stack).
VERIFY: list[bool | str] = [True]


def _environment(database_url: str, tmp: str) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "espace_famille.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "MEDIA_ROOT": str(Path(tmp) / "media"),
        "STATIC_ROOT": str(Path(tmp) / "static"),
        "EMAIL_URL": "memory://",
        "PAYMENT_PROVIDER": "sandbox",
        "ALLOW_SANDBOX_PAYMENTS": "1",
        "DATABASE_URL": database_url,
    }


def prepare(parents: int, capacity: int) -> tuple[list[tuple[str, int]], int]:
    """Fill the configured database; return [(login, child pk)] and the opening's pk."""
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.utils import timezone

    from benchmarks._bookings import bookable_opening, enrolled_household
    from documents.models import DocumentType, Submission
    from espace_famille.models import User

    call_command("migrate", verbosity=0, interactive=False)  # creates the cache table too
    call_command("collectstatic", verbosity=0, interactive=False)
    with open(os.devnull, "w") as quiet:
        call_command("demo", force=True, stdout=quiet)
    day = timezone.localdate() + datetime.timedelta(days=21)
    opening = bookable_opening(
        name="Stage de février",
        day=day,
        capacity=capacity,
        span_days=7,
        booking_notice="days",
        booking_notice_days=1,
        booking_notice_time=datetime.time(12, 0),
        cancel_notice="days",
        cancel_notice_days=1,
        cancel_notice_time=datetime.time(18, 0),
    )
    password = make_password(PASSWORD)  # one hash: the same password for every parent
    mandatory = list(DocumentType.objects.filter(is_active=True, mandatory=True))
    submissions = []
    logins = []
    for n in range(parents):
        child = enrolled_household(
            name=f"RUEE-{n:04d}",
            activity=opening.unit.activity,
            with_parent=True,
            email=f"f{n}@ex.org",
        )
        family = child.family
        for document_type in mandatory:  # every household has provided its documents
            submissions.append(
                Submission(
                    family=family,
                    member=None if document_type.scope == "family" else child,
                    document_type=document_type,
                    status=Submission.Status.ACCEPTED,
                    file="ruee/document.pdf",
                    content_type="application/pdf",
                )
            )
        login = f"ruee{n:04d}@example.org"
        User.objects.create(email=login, password=password, family=family, first_name="Parent")
        logins.append((login, child.pk))
    Submission.objects.bulk_create(submissions, batch_size=1000)
    return logins, opening.pk


@dataclass
class Timings:
    steps: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server_cpu: tuple[float, float] = (0.0, 0.0)  # CPU seconds spent by the app server, database
    measured: int = 0  # the requests that CPU served (the bookings alone with --ready)

    def add(self, step: str, seconds: float) -> None:
        with self.lock:
            self.steps.setdefault(step, []).append(seconds * 1000)

    def error(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)


def _csrf_token(page: str) -> str:
    found = CSRF.search(page)
    if found is None:
        raise ValueError("no CSRF token in the page")
    return found.group(1)


def _parent(
    base: str,
    login: str,
    child: int,
    opening: int,
    day: str,
    timings: Timings,
    before_booking: Callable[[], None] | None = None,
) -> None:
    import requests

    session = requests.Session()
    session.verify = VERIFY[0]
    session.trust_env = False  # no proxy, and REQUESTS_CA_BUNDLE must not replace verify
    # Production cookies are Secure; on plain loopback HTTP the client keeps them by hand.
    jar: dict[str, str] = {}
    planning = f"{base}/reservations/membre/{child}/?date={day}"

    def step(
        name: str, method: str, url: str, expect: int, **kwargs: Any
    ) -> requests.Response | None:
        started = time.perf_counter()
        session.cookies.clear()
        try:
            response = session.request(
                method, url, allow_redirects=False, timeout=60, cookies=jar, **kwargs
            )
        except requests.RequestException as error:
            timings.error(f"{name}: {type(error).__name__}")
            return None
        timings.add(name, time.perf_counter() - started)
        jar.update({cookie.name: cookie.value or "" for cookie in response.cookies})
        if response.status_code != expect:
            timings.error(f"{name}: HTTP {response.status_code}")
            return None
        return response

    page = step("login page", "GET", f"{base}/accounts/login/", 200)
    if page is None:
        return
    token = _csrf_token(page.text)
    form = {"login": login, "password": PASSWORD, "csrfmiddlewaretoken": token}
    headers = {"Referer": f"{base}/accounts/login/"}
    if step("login", "POST", f"{base}/accounts/login/", 302, data=form, headers=headers) is None:
        return
    page = step("planning", "GET", planning, 200)
    if page is None:
        return
    token = _csrf_token(page.text)
    if before_booking is not None:
        before_booking()
    step(
        "booking",
        "POST",
        planning,
        302,
        data={"book": [opening], "csrfmiddlewaretoken": token},
        headers={"Referer": planning},
    )


def rush(
    base: str,
    logins: list[tuple[str, int]],
    opening: int,
    day: str,
    spread: float,
    ready: bool = False,
    server_cpu: Callable[[], tuple[float, float]] | None = None,
) -> tuple[Timings, float]:
    """Every parent in its own thread; returns the timings and the run's seconds.

    With `ready`, every parent first logs in and opens the planning; then the bookings alone
    arrive within `spread` seconds, and the seconds returned are those of the bookings.
    `server_cpu` reads the CPU seconds the servers have used; the timings keep what the
    measured part cost them (`Timings.server_cpu`).
    """
    timings = Timings()
    rng = random.Random(2027)  # noqa: S311 — start offsets, not secrets
    starts = [rng.uniform(0, spread) if spread else 0.0 for _login in logins]
    began = [time.perf_counter()]
    cpu_at_start = [server_cpu() if server_cpu else (0.0, 0.0)]

    def start_bookings() -> None:
        began[0] = time.perf_counter()
        if server_cpu:
            cpu_at_start[0] = server_cpu()

    barrier = threading.Barrier(len(logins), action=start_bookings)

    def one(args: tuple[tuple[str, int], float]) -> None:
        (login, child), offset = args
        waited = []

        def at_offset() -> None:
            waited.append(True)
            barrier.wait(timeout=600)
            delay = began[0] + offset - time.perf_counter()
            if delay > 0:
                time.sleep(delay)

        if not ready:
            at_offset_now = began[0] + offset - time.perf_counter()
            if at_offset_now > 0:
                time.sleep(at_offset_now)
            _parent(base, login, child, opening, day, timings)
            return
        try:
            _parent(base, login, child, opening, day, timings, before_booking=at_offset)
        finally:
            if not waited:  # a parent that failed earlier still lets the others book
                barrier.wait(timeout=600)

    with ThreadPoolExecutor(max_workers=len(logins)) as pool:
        list(pool.map(one, zip(logins, starts, strict=True)))
    seconds = time.perf_counter() - began[0]
    if server_cpu:
        app, database = server_cpu()
        timings.server_cpu = (app - cpu_at_start[0][0], database - cpu_at_start[0][1])
    timings.measured = (
        len(timings.steps.get("booking", []))
        if ready
        else sum(len(values) for values in timings.steps.values())
    )
    return timings, seconds


def _cpu_seconds(pid: int) -> float:
    """User plus system CPU of one process, from /proc (0 once it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_cpu_probe(
    app_servers: list[int], database: str | None
) -> Callable[[], tuple[float, float]]:
    """A function reading the CPU seconds used so far by the app server's workers and by the
    PostgreSQL backends serving `database` (the load generator's own CPU is left out: on a
    machine of its own, the servers' CPU per request is what sets the throughput)."""

    def pids() -> tuple[list[int], list[int]]:
        workers, backends = [], []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                parent = int(stat.rsplit(")", 1)[1].split()[1])
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except (OSError, ValueError, IndexError):
                continue
            if parent in app_servers:
                workers.append(int(entry.name))
            elif database and command.startswith("postgres: ") and f" {database} " in command:
                backends.append(int(entry.name))
        return workers, backends

    def probe() -> tuple[float, float]:
        """(app server, database) CPU seconds so far."""
        workers, backends = pids()
        return (
            sum(_cpu_seconds(pid) for pid in [*app_servers, *workers]),
            sum(_cpu_seconds(pid) for pid in backends),
        )

    return probe


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn(environment: dict[str, str], workers: int = 2) -> Iterator[tuple[str, int]]:
    """Serve the project with gunicorn on a loopback port; yields the base URL and its pid."""
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "espace_famille.wsgi",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--backlog=2048",
        "--timeout=120",
        "--log-level=warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **environment})  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("gunicorn did not start")
            time.sleep(0.2)
        yield base, server.pid
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def _booked(database_url: str | None, opening: int) -> int:
    """Live bookings of the opening, in the database served (the stack's copy, or ours)."""
    from reservations.models import Booking

    if database_url is None:
        return Booking.objects.filter(opening_id=opening, status__in=Booking.ACTIVE).count()
    import psycopg

    with psycopg.connect(database_url) as served:
        row = served.execute(
            "SELECT count(*) FROM reservations_booking WHERE opening_id = %s AND status = ANY(%s)",
            [opening, [str(status) for status in Booking.ACTIVE]],
        ).fetchone()
    return int(row[0]) if row else 0


def _get(url: str) -> None:
    import requests

    with requests.Session() as session:
        session.trust_env = False
        session.get(url, timeout=60, verify=VERIFY[0]).raise_for_status()


def _warm_up(base: str, workers: int) -> None:
    """Each worker loads the URLconf and templates on its first requests: not part of the rush."""

    with ThreadPoolExecutor(max_workers=workers * 2) as pool:
        list(
            pool.map(
                lambda _n: _get(f"{base}/accounts/login/"),
                range(4 * workers),
            )
        )


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def report(timings: Timings, seconds: float, booked: int, capacity: int) -> list[str]:
    lines = []
    for step, values in timings.steps.items():
        lines.append(
            f"{step}: {len(values)} requests, p50 {statistics.median(values):.0f} ms, "
            f"p99 {_percentile(values, 0.99):.0f} ms"
        )
    lines.append(f"errors: {len(timings.errors)} {sorted(set(timings.errors))[:5]}")
    requests = timings.measured
    app, database = timings.server_cpu
    if app and requests:
        per_request = (app + database) * 1000 / requests
        lines.append(
            f"servers' CPU: {app + database:.2f} s for {requests} requests "
            f"(app {app * 1000 / requests:.1f} ms + database {database * 1000 / requests:.1f} ms) "
            f"({per_request:.1f} ms each: at most {os.cpu_count() or 1} x 1000 / {per_request:.1f}"
            f" = {(os.cpu_count() or 1) * 1000 / per_request:.0f} requests/s on this machine's "
            "cores with the load generator elsewhere)"
        )
    lines.append(f"booked: {booked} of {capacity} places; whole rush {seconds:.1f} s")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.rush")
    parser.add_argument("--parents", type=int, default=500)
    parser.add_argument("--capacity", type=int, default=20)
    parser.add_argument("--spread", type=float, default=5.0, help="seconds; 0 = all at once")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--ready",
        action="store_true",
        help="log every parent in and open the planning first; only the bookings are spread",
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument(
        "--stack",
        action="store_true",
        help="through nginx and two app servers (deploy/stack.py), on a copy of the database",
    )
    parser.add_argument("--port", type=int, default=8190, help="the stack's first port")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'rush.sqlite3'}"
        environment = _environment(url, tmp)
        os.environ.update(environment)
        import django

        django.setup()
        started = time.perf_counter()
        logins, opening = prepare(args.parents, args.capacity)
        print(f"data ready in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        from django.db import connection

        from reservations.models import Opening

        day = Opening.objects.get(pk=opening).date.isoformat()
        connection.close()
        database = connection.settings_dict["NAME"] if connection.vendor == "postgresql" else None
        if args.stack:
            if database is None:
                raise SystemExit("--stack runs on PostgreSQL: give --database-url")
            from deploy.stack import running_stack

            with running_stack(
                database="deploy_rush",
                port=args.port,
                app_servers=2,
                web_concurrency=args.workers,
                template=database,
                redis_url="redis://127.0.0.1:6379/7",
                extra_env={"LOG_LEVEL": "ERROR", "GUNICORN_ACCESS_LOG": "/dev/null"},
            ) as stack:
                VERIFY[0] = str(stack.cert)
                base = stack.base_url
                _warm_up(base, args.workers * 2)
                masters = [p.pid for name, p in stack.processes.items() if name.startswith("app")]
                probe = server_cpu_probe(masters, "deploy_rush")
                timings, seconds = rush(
                    base, logins, opening, day, args.spread, args.ready, server_cpu=probe
                )
                booked = _booked(stack.database_url, opening)
        else:
            with gunicorn(environment, args.workers) as (base, pid):
                _warm_up(base, args.workers)
                probe = server_cpu_probe([pid], database)
                timings, seconds = rush(
                    base, logins, opening, day, args.spread, args.ready, server_cpu=probe
                )
            booked = _booked(None, opening)
    print(
        f"{args.parents} parents, "
        + (f"nginx and 2 app servers of {args.workers}" if args.stack else f"{args.workers}")
        + f" gunicorn workers, {connection.vendor}, "
        f"{'bookings' if args.ready else 'journeys'} spread over {args.spread:g} s"
    )
    for line in report(timings, seconds, booked, args.capacity):
        print(line)
    return 0 if not timings.errors and booked == args.capacity else 1


if __name__ == "__main__":
    sys.exit(main())
