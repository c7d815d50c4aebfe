"""Load through the production stack: nginx, two gunicorn app servers, PostgreSQL, Redis.

    python -m benchmarks.load --families 2000 --duration 10 --connections 16

starts the stack on loopback (deploy/stack.py) with the demo data plus N generated households,
logs in as the parent of household TEST, then drives wrk (Debian's package) against the
dashboard, the week planning, the invoice list, a stored invoice PDF and a bare Django view
behind the same middleware (the floor), and prints a Markdown table: requests per second,
p50 and p99 latency, and each page's throughput as a share of the floor's.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import requests

    from deploy.stack import Stack

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
REPORT = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
# `make bench` rewrites docs/benchmarks.md but keeps what lies between these markers.
START, END = "<!-- load: benchmarks/load.py -->", "<!-- /load -->"


def _found(pattern: str, text: str, flags: int = 0) -> str:
    """The first group of `pattern` in `text`; wrk's or the page's format changed if absent."""
    match = re.search(pattern, text, flags)
    if match is None:
        raise ValueError(f"{pattern!r} not found")
    return match.group(1)


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if match is None:
        raise ValueError(f"not a wrk duration: {text!r}")
    number, unit = match.groups()
    return float(number) * UNITS[unit]


def wrk(url: str, *, cookie: str, duration: int, connections: int, threads: int = 2) -> dict:
    """One wrk run; requests/s, p50 and p99 in ms, and the count of non-2xx/3xx answers."""
    result = subprocess.run(  # noqa: S603 - fixed arguments, loopback URL
        [  # noqa: S607 - wrk from Debian's package, on PATH
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            "-H",
            f"Cookie: {cookie}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", result)
    return {
        "rps": float(_found(r"Requests/sec:\s+([\d.]+)", result)),
        "p50": _ms(_found(r"^\s+50%\s+(\S+)", result, re.MULTILINE)),
        "p99": _ms(_found(r"^\s+99%\s+(\S+)", result, re.MULTILINE)),
        "errors": int(errors.group(1)) if errors else 0,
    }


def pages(stack: Stack, session: requests.Session) -> list[tuple[str, str]]:
    """The URLs to load, found as a parent finds them (links in the pages)."""
    base = stack.base_url
    planning = re.search(
        r'href="(/reservations/membre/\d+/)"', session.get(base + "/reservations/").text
    )
    pdf = re.search(r'href="(/factures/\d+/pdf/)"', session.get(base + "/factures/").text)
    if not (planning and pdf):
        raise SystemExit("the demo family has no planning or no invoice PDF")
    session.get(base + pdf.group(1)).raise_for_status()  # rendered once, then stored
    return [
        ("bare Django view (floor)", "/bench/floor"),
        ("Tableau de bord", "/"),
        ("Planning de la semaine", planning.group(1)),
        ("Mes factures", "/factures/"),
        ("Facture PDF (stockée)", pdf.group(1)),
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=2000)
    parser.add_argument("--duration", type=int, default=10, help="seconds per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per app server")
    parser.add_argument("--port", type=int, default=8130)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument(
        "--template-database",
        help="a PostgreSQL database already filled by `manage.py demo --families N`, copied "
        "instead of generating the data again (--families then only names it in the report)",
    )
    parser.add_argument(
        "--template-media",
        type=Path,
        help="the media directory of that database's stored files (default: ./media)",
    )
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: bash scripts/system-deps.sh")

    from deploy.stack import running_stack

    started = time.monotonic()
    with running_stack(
        database="deploy_load",
        port=args.port,
        app_servers=2,
        web_concurrency=args.workers,
        demo_families=args.families,
        template=args.template_database,
        media_from=(args.template_media or Path("media")) if args.template_database else None,
        redis_url="redis://127.0.0.1:6379/6",
        extra_env={
            "DJANGO_SETTINGS_MODULE": "benchmarks._floor_settings",
            "LOG_LEVEL": "ERROR",
            "GUNICORN_ACCESS_LOG": "/dev/null",
        },
    ) as stack:
        ready = time.monotonic() - started
        session = stack.session()
        url = stack.base_url + "/accounts/login/"
        token = _found(r'name="csrfmiddlewaretoken" value="([^"]+)"', session.get(url).text)
        session.post(
            url,
            data={
                "login": "test@example.org",
                "password": "demo-espace-famille",
                "csrfmiddlewaretoken": token,
            },
        ).raise_for_status()
        cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
        rows, floor = [], None
        for label, path in pages(stack, session):
            check = session.get(stack.base_url + path, allow_redirects=False)
            if check.status_code != 200:
                raise SystemExit(f"{label} ({path}) answered {check.status_code}")
            figures = wrk(
                stack.base_url + path,
                cookie=cookie,
                duration=args.duration,
                connections=args.connections,
            )
            floor = floor or figures["rps"]
            rows.append(
                f"| {label} | `{path}` | {figures['rps']:.0f} | {figures['p50']:.1f} | "
                f"{figures['p99']:.1f} | {figures['rps'] / floor:.2f} | {figures['errors']} |"
            )
    command = f"python -m benchmarks.load {' '.join(argv if argv is not None else sys.argv[1:])}"
    section = [
        START,
        "## Through nginx and two gunicorn app servers (PostgreSQL, Redis)",
        "",
        f"Written by `{command}` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; machine: "
        f"{platform.machine()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} "
        f"when it finished. The stack (deploy/stack.py) was ready in {ready:.0f} s: nginx with "
        f"TLS, 2 app servers of {args.workers} gunicorn workers, the demo data plus "
        f"{args.families} households; wrk from Debian, {args.connections} connections, "
        f"{args.duration} s per page, logged in as the parent of household TEST.",
        *(
            [
                "",
                "The load average was above the number of cores (other jobs on the machine): "
                "these figures measure the contention as much as the portal. Rerun on an idle "
                "machine before comparing them with the targets.",
            ]
            if os.getloadavg()[0] > (os.cpu_count() or 1)
            else []
        ),
        "",
        "| page | URL | requests/s | p50 ms | p99 ms | share of the floor | errors |",
        "|---|---|---|---|---|---|---|",
        *rows,
        END,
    ]
    text = "\n".join(section)
    print(text)
    if args.write:
        write_section(REPORT, text)
        print(f"wrote {REPORT}", file=sys.stderr)


def write_section(report: Path, text: str) -> None:
    """Put the section in docs/benchmarks.md, in place of the previous one (or at the end)."""
    old = report.read_text(encoding="utf-8") if report.exists() else "# Benchmarks\n"
    if START in old and END in old:
        new = old[: old.index(START)] + text + old[old.index(END) + len(END) :]
    else:
        new = old.rstrip("\n") + "\n\n" + text + "\n"
    report.write_text(new, encoding="utf-8")


if __name__ == "__main__":
    main()
