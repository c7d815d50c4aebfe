"""The one extension mechanism: `Registry[T]`, a typed list of what other apps plug in.

A lower app (or the core) declares one `Registry` per extension point and reads it; higher apps
fill it in their `AppConfig.ready` (or in a module that `ready` imports). Imports only go
down, so the core never lists an app's vocabulary, and documents never imports inscriptions.
docs/architecture.md lists every extension point ("One extension mechanism").

The core's own extension points are declared at the bottom of this module.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django_stubs_ext import StrOrPromise

    from espace_famille.export import Section
    from famille.models import Family  # for types only: the core never imports famille

T = TypeVar("T")


def qualified_name(item: Any) -> str:
    """The default key: where a function or a class is defined (`module.QualName`)."""
    return f"{item.__module__}.{item.__qualname__}"


class Registry(Generic[T]):
    """What other apps register for one extension point, read in a fixed order.

    - `key(item)` names an item (default: its module and qualified name). Registering the same
      item again does nothing (a module imported twice); another item under a known key is a
      programming error (`ImproperlyConfigured`), never a silent replacement.
    - `order(item)`, when given, sorts the items; items of equal order (or without `order`)
      keep the order they were registered in.
    - `check(item, registered)`, when given, raises `ImproperlyConfigured` for an item that
      conflicts with those already registered.
    - `register` returns the item, so it serves as a decorator.
    - Tests isolate themselves with `overridden(*items)` (only these items) or
      `added(*items)` (these on top), both restored on exit.
    """

    def __init__(
        self,
        name: str,
        *,
        key: Callable[[T], Hashable] = qualified_name,
        order: Callable[[T], Any] | None = None,
        check: Callable[[T, tuple[T, ...]], None] | None = None,
    ) -> None:
        self.name = name
        self._key = key
        self._order = order
        self._check = check
        self._items: dict[Hashable, T] = {}

    def __repr__(self) -> str:
        return f"<Registry {self.name}: {len(self._items)} item(s)>"

    def register(self, item: T) -> T:
        key = self._key(item)
        known = self._items.get(key)
        if known is not None:
            if known is item or known == item:
                return item
            raise ImproperlyConfigured(f"{self.name}: {key!r} is already registered ({known!r}).")
        if self._check is not None:
            self._check(item, self.items())
        self._items[key] = item
        return item

    def get(self, key: Hashable) -> T | None:
        return self._items.get(key)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)

    def __iter__(self) -> Iterator[T]:
        return iter(self.items())

    def items(self) -> tuple[T, ...]:
        """The registered items, sorted by `order` (registration order among equals)."""
        items = tuple(self._items.values())
        if self._order is None:
            return items
        return tuple(sorted(items, key=self._order))

    def keys(self) -> tuple[Hashable, ...]:
        return tuple(self._key(item) for item in self.items())

    def overridden(self, *items: T) -> AbstractContextManager[Registry[T]]:
        """Only `items` are registered inside the block (tests); the former items after."""
        return self._swapped(items, keep=False)

    def added(self, *items: T) -> AbstractContextManager[Registry[T]]:
        """`items` are registered on top of the others inside the block (tests)."""
        return self._swapped(items, keep=True)

    @contextmanager
    def _swapped(self, items: tuple[T, ...], *, keep: bool) -> Iterator[Registry[T]]:
        saved = self._items
        self._items = dict(saved) if keep else {}
        try:
            for item in items:
                self.register(item)
            yield self
        finally:
            self._items = saved


# The core's extension points.


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


@dataclass(frozen=True)
class DemoStep:
    """`run()` must be idempotent: running the demo twice changes nothing."""

    name: str
    order: int
    run: Callable[[], None]


@dataclass(frozen=True)
class ScaleStep:
    """`run(n)` adds data for `demo --families n`: famille creates n households, later apps
    give the generated households that lack them a year of their own data."""

    name: str
    order: int
    run: Callable[[int], None]


@dataclass(frozen=True)
class RetentionStep:
    """A purge of `manage.py retention`: erases what is older than its RETENTION_* setting.

    run(now=..., apply=...) -> how many rows are (or would be, without apply) erased."""

    name: str
    run: Callable[..., int]


@dataclass(frozen=True)
class ExportSource:
    """Mes données: `build(family)` returns an app's sections (`espace_famille.export.Section`),
    read through that family only."""

    key: str
    order: int
    build: Callable[[Family], list[Section]]


def _name(item: DemoStep | ScaleStep | RetentionStep) -> str:
    return item.name


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
    context: Callable[[HttpRequest], dict[str, Any]]


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
    title: StrOrPromise
    permission: str
    run: Callable[..., dict[str, Any]]


@dataclass(frozen=True)
class TodoLine:
    """One line of the dashboard's "À faire" list: a sentence that makes sense alone (it is the
    link's text: "2 factures à payer : 143,84 €") and the page it links to."""

    text: str
    url: str


@dataclass(frozen=True)
class FamilyTodo:
    """An app's lines of the dashboard's "À faire" list, above the tiles.

    `lines(family, today)` returns the household's lines (usually none); one or two queries at
    most, the same number whatever the data (the dashboard keeps its budget of 12).
    """

    key: str
    order: int
    lines: Callable[[Family, datetime.date], list[TodoLine]]


@dataclass(frozen=True)
class Reminder:
    """One reminder due to one household, sent once: `key` names the event for good
    ("facture-echeance:42"), so that a second run, or a restart, never sends it again."""

    family_id: int
    key: str
    text: str  # a sentence, in the household's language (the command renders in it)
    url: str = ""  # a path of the portal ("/factures/"), made absolute in the email


@dataclass(frozen=True)
class ReminderKind:
    """A kind of reminder email an app offers (espace_famille.reminders).

    `due(today)` returns the reminders of every household due that day (a few queries, not one
    per household); the structure turns a kind off in the admin (Structure.reminders_off), a
    household in Ma famille (Family.reminders_off). `default_on=False` makes it opt-in: sent
    only to households that asked for it.
    """

    key: str
    order: int
    label: StrOrPromise
    due: Callable[[datetime.date], Iterable[Reminder]]
    default_on: bool = True


def _order(
    item: MenuEntry
    | DemoStep
    | ScaleStep
    | ExportSource
    | StaffTodo
    | StaffPanel
    | FamilyTodo
    | ReminderKind,
) -> int:
    return item.order


# The dashboard tiles and their badges.
menu: Registry[MenuEntry] = Registry("menu", key=lambda entry: entry.key, order=_order)
# The steps of `manage.py demo` and `manage.py demo --families N`.
demo_steps: Registry[DemoStep] = Registry("demo steps", key=_name, order=_order)
scale_steps: Registry[ScaleStep] = Registry("scale steps", key=_name, order=_order)
# The purges of `manage.py retention`, by name.
retention_steps: Registry[RetentionStep] = Registry("retention steps", key=_name, order=_name)
# The sections of the household's data export (each app's export.py).
export_sources: Registry[ExportSource] = Registry(
    "export sections", key=lambda source: source.key, order=_order
)
# The staff home page (the admin index): the to-do lines and the panels below them.
staff_todos: Registry[StaffTodo] = Registry("staff to-do", key=lambda todo: todo.key, order=_order)
staff_panels: Registry[StaffPanel] = Registry(
    "staff panels", key=lambda panel: panel.key, order=_order
)
# Long staff work run in the background (espace_famille.jobs), by key.
job_kinds: Registry[JobKind] = Registry(
    "job kinds", key=lambda kind: kind.key, order=lambda kind: kind.key
)
# The dashboard's "À faire" list, above the tiles.
family_todos: Registry[FamilyTodo] = Registry(
    "family to-do", key=lambda todo: todo.key, order=_order
)
# The kinds of reminder emails (manage.py send_reminders), by key.
reminder_kinds: Registry[ReminderKind] = Registry(
    "reminder kinds", key=lambda kind: kind.key, order=_order
)
