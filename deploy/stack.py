"""The production stack on loopback, for the deploy tests and the load benchmarks.

`running_stack()` starts, from this checkout and without touching any system configuration:
a fresh PostgreSQL database on the running server, Redis (the running server with a database
index of its own, or a private redis-server), the migrations, the static files and the demo
data, N gunicorn app servers (deploy/gunicorn.conf.py) and a background worker
(`manage.py db_worker`), then Debian's nginx as a foreground process with its own prefix in a
temporary directory, serving deploy/nginx/espace-famille.conf over TLS (a self-signed
certificate made for the occasion). It yields a `Stack` whose `base_url` is nginx's address,
and stops everything it started on the way out.

    with running_stack(app_servers=2) as stack:
        session = stack.session()
        session.get(stack.base_url + "/healthz")
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import requests

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
POSTGRES_ADMIN_URL = os.environ.get(
    "STACK_POSTGRES_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
# What the shipped site file says, and what it becomes on loopback.
SITE_FILE = DEPLOY / "nginx" / "espace-famille.conf"
UPSTREAM_HEADER = "add_header X-Upstream $upstream_addr always;"


@dataclass
class Stack:
    base_url: str
    root: Path
    env: dict[str, str]
    database_url: str
    redis_url: str
    mail_dir: Path
    media_root: Path
    cert: Path
    app_urls: list[str]
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """Run a management command with the app servers' environment."""
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=check,
        )

    def session(self, source_address: str = "127.0.0.1") -> requests.Session:
        """A client of the proxy; `source_address` another loopback address (127.0.0.2…)."""
        import requests
        from requests.adapters import HTTPAdapter

        class SourceAdapter(HTTPAdapter):
            def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
                kwargs["source_address"] = (source_address, 0)
                super().init_poolmanager(*args, **kwargs)

        session = requests.Session()
        session.mount("https://", SourceAdapter())
        session.trust_env = False  # no proxy, and REQUESTS_CA_BUNDLE must not replace verify
        session.verify = str(self.cert)
        # Django checks the Referer of HTTPS form posts (CSRF): a browser sends it.
        session.headers["Referer"] = self.base_url + "/"
        return session

    def log(self, name: str) -> str:
        path = self.root / "logs" / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""


def _psql(sql: str) -> None:
    import psycopg

    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
        connection.execute(sql)


def _redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def render_site(text: str, replacements: list[tuple[str, str]]) -> str:
    """Rewrite the shipped site file for loopback; every pattern must still be in the file."""
    for pattern, replacement in replacements:
        text, count = re.subn(pattern, replacement, text, flags=re.MULTILINE)
        if count == 0:
            raise RuntimeError(f"{SITE_FILE.name} no longer contains {pattern!r}")
    return text


def _nginx_config(root: Path, *, port: int, http_port: int, app_ports: list[int]) -> Path:
    nginx = root / "nginx"
    nginx.mkdir()
    servers = "".join(
        f"    server 127.0.0.1:{p} max_fails=3 fail_timeout=10s;\n" for p in app_ports
    )
    site = render_site(
        SITE_FILE.read_text(),
        [
            (
                r"^upstream espace_famille \{\n(?:.*\n)*?\}",
                f"upstream espace_famille {{\n{servers}}}",
            ),
            (r"^\s*listen \[::\]:\d+.*\n", ""),
            (r"listen 80;", f"listen 127.0.0.1:{http_port};"),
            (r"listen 443 ssl http2;", f"listen 127.0.0.1:{port} ssl http2;"),
            (r"server_name famille\.example\.org;", "server_name 127.0.0.1 localhost;"),
            (r"/etc/letsencrypt/live/[^/]+/fullchain\.pem", str(root / "tls" / "cert.pem")),
            (r"/etc/letsencrypt/live/[^/]+/privkey\.pem", str(root / "tls" / "key.pem")),
            (r"/var/www/html", str(root / "acme")),
            (r"/var/log/nginx/", f"{nginx}/"),
            (r"/srv/espace-famille/deploy/errors/", f"{root / 'errors'}/"),
            (r"/srv/espace-famille/public", str(root / "public")),
            # For the tests only: which app server answered.
            (r"^(\s*)proxy_redirect off;", r"\g<0>\n\1" + UPSTREAM_HEADER),
        ],
    )
    (nginx / "site.conf").write_text(site)
    temp = "\n".join(
        f"    {name}_temp_path {nginx / name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = nginx / "nginx.conf"
    conf.write_text(
        f"""worker_processes 2;
pid {nginx / "nginx.pid"};
error_log {nginx / "error.log"} warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    server_tokens off;
{temp}
    include {nginx / "site.conf"};
}}
"""
    )
    return conf


def _wait_for(url: str, *, cert: Path | None, timeout: float, processes: dict) -> None:
    import requests

    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        for name, process in processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"{name} stopped with code {process.returncode}")
        try:
            response = requests.get(url, timeout=2, verify=str(cert) if cert else True)
            if response.status_code == 200:
                return
            last = response.status_code
        except requests.RequestException as error:
            last = error
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer in {timeout:.0f} s: {last}")


def _stop(processes: dict[str, subprocess.Popen]) -> None:
    for process in processes.values():
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
    for process in processes.values():
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


@contextlib.contextmanager
def running_stack(
    *,
    database: str = "deploy_stack",
    port: int = 8110,
    app_servers: int = 2,
    web_concurrency: int = 2,
    redis_url: str = "redis://127.0.0.1:6379/5",
    private_redis_port: int = 8139,
    demo_families: int = 0,
    extra_env: dict[str, str] | None = None,
    template: str | None = None,
    media_from: Path | None = None,
) -> Iterator[Stack]:
    """nginx on https://127.0.0.1:`port`, app servers on the next `app_servers` ports.

    `template`: a PostgreSQL database already filled (say by `manage.py demo --families 2000`)
    that the stack's database copies instead of generating the demo data again;
    `media_from`: the media directory its stored files are in (copied).
    """
    if not re.fullmatch(r"deploy_\w+", database):
        raise ValueError("the stack's database name starts with deploy_ (it is dropped after)")
    root = Path(tempfile.mkdtemp(prefix="espace-famille-stack-"))
    root.chmod(0o755)  # nginx's workers (nobody when started as root) read the static files
    (root / "logs").mkdir()
    processes: dict[str, subprocess.Popen] = {}
    app_ports = [port + 1 + i for i in range(app_servers)]
    http_port = port + 1 + app_servers
    database_url = f"postgres://postgres@127.0.0.1:5432/{database}"

    def start(name: str, args: list[str], env: dict[str, str] | None = None) -> None:
        log = (root / "logs" / f"{name}.log").open("w")
        processes[name] = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    try:
        _psql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        if template is not None and not re.fullmatch(r"\w+", template):
            raise ValueError("a template database's name is a plain word")
        _psql(f'CREATE DATABASE "{database}"' + (f' TEMPLATE "{template}"' if template else ""))
        if not _redis_answers(redis_url):
            start(
                "redis",
                [
                    "redis-server",
                    "--bind",
                    "127.0.0.1",
                    "--port",
                    str(private_redis_port),
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(root),
                ],
            )
            redis_url = f"redis://127.0.0.1:{private_redis_port}/0"
            deadline = time.monotonic() + 10
            while not _redis_answers(redis_url) and time.monotonic() < deadline:
                time.sleep(0.1)
        import redis

        redis.Redis.from_url(redis_url).flushdb()

        base_url = f"https://127.0.0.1:{port}"
        mail_dir, media_root = root / "mail", root / "media"
        mail_dir.mkdir()
        if media_from is not None:
            shutil.copytree(media_from, media_root)
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"ESPACE_FAMILLE_TESTING", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG"}
            and not key.startswith(("PYTEST", "AWS_", "STRIPE_", "SENTRY_"))
        }
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "espace_famille.settings",
                "DEBUG": "0",
                "SECRET_KEY": secrets.token_urlsafe(50),
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "CSRF_TRUSTED_ORIGINS": base_url,
                "SITE_URL": base_url,
                "DATABASE_URL": database_url,
                "REDIS_URL": redis_url,
                "BEHIND_PROXY": "1",
                "TRUSTED_PROXY_COUNT": "1",
                "PAYMENT_PROVIDER": "sandbox",
                "ALLOW_SANDBOX_PAYMENTS": "1",
                "SANDBOX_PAYMENT_SECRET": secrets.token_urlsafe(32),
                "TASKS_BACKEND": "database",
                "EMAIL_URL": f"file:///{mail_dir}",
                "MEDIA_ROOT": str(media_root),
                "MEDIA_STORAGE": "local",
                "STATIC_ROOT": str(root / "public" / "static"),
                "SECURE_HSTS_SECONDS": "0",
                "WEB_CONCURRENCY": str(web_concurrency),
                "LOG_LEVEL": "WARNING",
                **(extra_env or {}),
            }
        )
        stack = Stack(
            base_url=base_url,
            root=root,
            env=env,
            database_url=database_url,
            redis_url=redis_url,
            mail_dir=mail_dir,
            media_root=media_root,
            cert=root / "tls" / "cert.pem",
            app_urls=[f"http://127.0.0.1:{p}" for p in app_ports],
            processes=processes,
        )
        # collectstatic (compressing every asset) needs no database: it runs meanwhile.
        start("collectstatic", [sys.executable, "manage.py", "collectstatic", "--noinput"], env)
        stack.manage("migrate", "--noinput")
        if template is None:
            demo = ["demo", "--force"]
            stack.manage(*demo + (["--families", str(demo_families)] if demo_families else []))

        (root / "tls").mkdir()
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout",
                str(root / "tls" / "key.pem"),
                "-out",
                str(stack.cert),
            ],
            check=True,
            capture_output=True,
        )
        shutil.copytree(DEPLOY / "errors", root / "errors")
        (root / "acme").mkdir()
        conf = _nginx_config(root, port=port, http_port=http_port, app_ports=app_ports)
        if processes.pop("collectstatic").wait(timeout=300) != 0:
            raise RuntimeError("collectstatic failed:\n" + stack.log("collectstatic"))

        for number, app_port in enumerate(app_ports, start=1):
            start(
                f"app{number}",
                [sys.executable, "-m", "gunicorn", "-c", str(DEPLOY / "gunicorn.conf.py")],
                {**env, "GUNICORN_BIND": f"127.0.0.1:{app_port}"},
            )
        start("worker", [sys.executable, "manage.py", "db_worker", "--interval", "0.2"], env)
        error_log = str(conf.parent / "error.log")
        nginx_args = ["nginx", "-p", str(conf.parent), "-c", str(conf), "-e", error_log]
        subprocess.run([*nginx_args, "-t", "-q"], check=True, capture_output=True)
        start("nginx", [*nginx_args, "-g", "daemon off;"])

        for url in stack.app_urls:
            _wait_for(f"{url}/healthz", cert=None, timeout=60, processes=processes)
        _wait_for(f"{base_url}/healthz", cert=stack.cert, timeout=20, processes=processes)
        yield stack
    finally:
        _stop(processes)
        with contextlib.suppress(Exception):
            _psql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        if "redis" not in processes:
            with contextlib.suppress(Exception):
                import redis

                redis.Redis.from_url(redis_url).flushdb()
        if not os.environ.get("STACK_KEEP"):
            shutil.rmtree(root, ignore_errors=True)
