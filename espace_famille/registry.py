"""Registries the core reads and the apps fill in their `AppConfig.ready`.

The core imports no app: the dashboard tiles, their badges and the demo-data steps are
registered here by the apps themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from famille.models import Family  # for types only: the core never imports famille


@dataclass(frozen=True)
class MenuEntry:
    key: str
    title: StrOrPromise
    description: StrOrPromise
    url_name: str
    order: int
    icon: str = ""
    # badge(family) -> a count to show on the tile (0/None shows nothing); one query at most.
    badge: Callable[[Family], int | None] | None = None
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
