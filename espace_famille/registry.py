"""Registries the core reads and the apps fill in their `AppConfig.ready`.

The core imports no app: the dashboard tiles, their badges and the demo-data steps are
registered here by the apps themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class MenuEntry:
    key: str
    title: str
    description: str
    url_name: str
    order: int
    icon: str = ""
    # badge(family) -> a count to show on the tile (0/None shows nothing); one query at most.
    badge: Callable[[Any], int | None] | None = None
    # The count in words, with its plural: ngettext_lazy("%(n)s … ", "%(n)s …", "n").
    badge_label: Any = ""

    def badge_text(self, count: int) -> str:
        """The badge as shown: "1 document à fournir", "2 factures à payer"."""
        return str(self.badge_label % {"n": count})


_menu: dict[str, MenuEntry] = {}


def register_menu(entry: MenuEntry) -> None:
    _menu[entry.key] = entry


def menu_entries() -> list[MenuEntry]:
    return sorted(_menu.values(), key=lambda entry: entry.order)


@dataclass(frozen=True)
class DemoStep:
    name: str
    order: int
    run: Callable[[], None]


_demo_steps: dict[str, DemoStep] = {}


def register_demo_step(name: str, order: int, run: Callable[[], None]) -> None:
    """`run()` must be idempotent: running the demo twice changes nothing."""
    _demo_steps[name] = DemoStep(name, order, run)


def demo_steps() -> list[DemoStep]:
    return sorted(_demo_steps.values(), key=lambda step: step.order)


@dataclass(frozen=True)
class ScaleStep:
    name: str
    order: int
    run: Callable[[int], None]


_scale_steps: dict[str, ScaleStep] = {}


def register_scale_step(name: str, order: int, run: Callable[[int], None]) -> None:
    """`run(n)` adds data for `demo --families n`: famille creates n households, later apps
    give the generated households that lack them a year of their own data."""
    _scale_steps[name] = ScaleStep(name, order, run)


def scale_steps() -> list[ScaleStep]:
    return sorted(_scale_steps.values(), key=lambda step: step.order)


@dataclass(frozen=True)
class RetentionStep:
    name: str
    # run(now=..., apply=...) -> how many rows are (or would be, without apply) erased.
    run: Callable[..., int]


_retention_steps: dict[str, RetentionStep] = {}


def register_retention_step(name: str, run: Callable[..., int]) -> None:
    """A purge of `manage.py retention`: erases what is older than its RETENTION_* setting."""
    _retention_steps[name] = RetentionStep(name, run)


def retention_steps() -> list[RetentionStep]:
    return sorted(_retention_steps.values(), key=lambda step: step.name)


@dataclass(frozen=True)
class StaffTodo:
    """One line of the staff home page (the admin index): what needs doing today.

    `count()` runs one query; `url()` is the filtered admin list it links to; the line is
    shown only to staff holding `permission`, the right to see that list
    ("famille.view_changerequest").
    """

    key: str
    order: int
    permission: str
    # ngettext_lazy("%(n)s demande …", "%(n)s demandes …", "n")
    label: Any
    count: Callable[[], int]
    url: Callable[[], str]

    def text(self, count: int) -> str:
        return str(self.label % {"n": count})


_staff_todos: dict[str, StaffTodo] = {}


def register_staff_todo(todo: StaffTodo) -> None:
    _staff_todos[todo.key] = todo


def staff_todos() -> list[StaffTodo]:
    return sorted(_staff_todos.values(), key=lambda todo: todo.order)


@dataclass(frozen=True)
class StaffPanel:
    """A section of the staff home page below the to-do list (the coming weeks' places…).

    `context(request)` returns the template's context (a few queries at most, flat as data
    grows); `template` renders it; shown only to staff holding `permission`.
    """

    key: str
    order: int
    permission: str
    template: str
    context: Callable[[Any], dict[str, Any]]


_staff_panels: dict[str, StaffPanel] = {}


def register_staff_panel(panel: StaffPanel) -> None:
    _staff_panels[panel.key] = panel


def staff_panels() -> list[StaffPanel]:
    return sorted(_staff_panels.values(), key=lambda panel: panel.order)


@dataclass(frozen=True)
class JobKind:
    """Long staff work run in the background (espace_famille.jobs): the billing run of a
    month, generating a year's openings…

    `run(job=, progress=, **params)` does the work, calls `progress(done, total)` as it goes and
    returns the result shown on the job's page: {"summary": str, "url": str (optional)};
    a ValidationError's message is shown as the failure. Only staff holding `permission`
    start the job or see it. One job of a kind runs at a time.
    """

    key: str
    title: Any
    permission: str
    run: Callable[..., dict[str, Any]]


_job_kinds: dict[str, JobKind] = {}


def register_job_kind(kind: JobKind) -> None:
    _job_kinds[kind.key] = kind


def job_kind(key: str) -> JobKind | None:
    return _job_kinds.get(key)


def job_kinds() -> list[JobKind]:
    return sorted(_job_kinds.values(), key=lambda kind: kind.key)
