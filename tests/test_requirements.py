"""Production installs requirements.lock only: no test or lint tool in it, every dependency of
pyproject.toml pinned in it, and the dev lock builds on it."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEST_TOOLS = {
    "pytest",
    "pytest-django",
    "pytest-playwright",
    "playwright",
    "axe-playwright-python",
    "moto",
    "flask",
    "werkzeug",
    "docker",
    "sympy",
    "ruff",
    "time-machine",
    "responses",
    "cfn-lint",
    "hypothesis",
    "pyinstrument",
    "py-spy",
    "locust",
}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "-r")):
            continue
        name, _, version = line.partition("==")
        assert version, f"{path.name}: {line!r} is not pinned with =="
        pins[_name(name)] = version
    return pins


def test_the_production_lock_holds_no_test_tool():
    production = _pins(ROOT / "requirements.lock")
    assert not TEST_TOOLS & production.keys()
    assert {"gunicorn", "redis", "sentry-sdk", "django"} <= production.keys()


def test_every_runtime_dependency_is_pinned_in_the_production_lock():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    production = _pins(ROOT / "requirements.lock")
    missing = {_name(dep) for dep in project["dependencies"]} - production.keys()
    assert not missing


def test_the_dev_lock_adds_the_dev_extra_to_the_production_lock():
    text = (ROOT / "requirements-dev.lock").read_text()
    assert "-r requirements.lock" in text.splitlines()
    production = _pins(ROOT / "requirements.lock")
    dev = _pins(ROOT / "requirements-dev.lock")
    assert not production.keys() & dev.keys()  # one pin per package, in one file
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    missing = {_name(dep) for dep in project["optional-dependencies"]["dev"]} - dev.keys()
    assert not missing
