"""What the fuzz tests share: the routes of the portal read from the URL resolver, the forms of
each page read from its HTML, hostile values, and a snapshot of what the database holds."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.apps import apps
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from hypothesis import strategies as st

# Hostile values, each a kind of bad input a browser, a script or a confused parent can send.
NASTY_TEXT = [
    "",
    " ",
    "\t\r\n",
    "x" * 100_000,  # over-long
    "\x00",
    "abc\x00def",  # NUL: PostgreSQL refuses it in text
    "\x07\x08\x1b[31m\x7f",  # control characters
    "\u202eevil\u202c",  # right-to-left override
    "\ufeff\u200b\u200d",  # invisible characters
    "\uff50\uff41\uff52\uff45\uff4e\uff54\uff20example\uff0eorg",  # full-width confusables
    "\u0440\u0430\u0443\u0440\u0430l",  # Cyrillic letters that look Latin
    "\U0010ffff",  # the last code point
    "💥" * 500,
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE famille_family; --",
    "1' OR '1'='1",
    "%00%27%22",
    "../../../../etc/passwd",
    "{{ 7*7 }}{% debug %}",
    "true",
    "[]",
    "{}",
]
NASTY_NUMBERS = [
    "-1",
    "0",
    "1e308",
    "-1e308",
    "1e-308",
    "NaN",
    "inf",
    "-Infinity",
    "99999999999999999999999999999",
    "-99999999999999999999999999999",
    str(2**63),
    str(-(2**63) - 1),
    "0x10",
    "1,5",
    "\uff11\uff12",  # full-width digits
    "٣",  # Arabic-Indic digit
]
NASTY_DATES = [
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2026-02-30",
    "2026-13-45",
    "31/02/2026",
    "-2026-01-01",
    "2026-01-01T25:61:61",
    "1970-01-01 00:00:00+99:00",
]
NASTY = NASTY_TEXT + NASTY_NUMBERS + NASTY_DATES

nasty_values = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates().map(lambda d: d.isoformat()),
)


def value_strategy(options: list[str]) -> st.SearchStrategy[list[str]]:
    """Values for one field: what the form offers, or anything hostile; sometimes several."""
    choice = st.one_of(st.sampled_from(options), nasty_values) if options else nasty_values
    return st.lists(choice, min_size=0, max_size=3)


# Routes --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    route: str
    name: str | None
    module: str
    params: tuple[str, ...]


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}{pattern.namespace}:"
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            params = tuple(re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route))
            names = tuple(a or b for a, b in params)
            name = f"{namespace}{pattern.name}" if pattern.name else None
            yield Route(route, name, pattern.callback.__module__, names)


def all_routes() -> list[Route]:
    """Every route of the project but the staff's admin, from the URL resolver."""
    return [r for r in _walk(get_resolver().url_patterns) if not r.route.startswith("admin/")]


def concrete_urls(route: Route, candidates: dict[str, list[str]]) -> list[str]:
    """The URLs of a route for every combination of candidate parameter values."""
    if not route.params:
        return ["/" + route.route] if route.name is None or "^" not in route.route else []
    combos: list[dict[str, str]] = [{}]
    for param in route.params:
        combos = [{**c, param: v} for c in combos for v in candidates.get(param, ["1"])]
    urls = []
    for kwargs in combos:
        try:
            urls.append(reverse(route.name, kwargs=kwargs))
        except NoReverseMatch:
            continue
    return urls


# Forms ---------------------------------------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> offered values
    files: set[str] = field(default_factory=set)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(a.get("action", ""), a.get("method", "get").lower()))
            return
        if not self.forms:
            return
        form = self.forms[-1]
        name = a.get("name")
        if tag == "input" and name:
            if a.get("type") == "file":
                form.files.add(name)
            elif a.get("type") not in {"submit", "button", "image", "reset"}:
                form.fields.setdefault(name, []).append(a.get("value", ""))
        elif tag == "textarea" and name:
            form.fields.setdefault(name, [])
        elif tag == "select" and name:
            form.fields.setdefault(name, [])
            self._select = name
        elif tag == "option" and self._select:
            form.fields[self._select].append(a.get("value", ""))
        elif tag == "button" and name:
            form.fields.setdefault(name, []).append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def post_forms(html: str, page_url: str) -> list[Form]:
    """The forms of a page that POST, with their absolute action."""
    parser = _FormParser()
    parser.feed(html)
    found = []
    for form in parser.forms:
        if form.method != "post":
            continue
        form.fields.pop("csrfmiddlewaretoken", None)
        form.action = form.action or page_url
        if not form.action.startswith("/"):
            continue  # a provider's page, not ours
        found.append(form)
    return found


# The database ---------------------------------------------------------------------------------

# Rows that legitimately come and go with any request.
_VOLATILE = {"sessions.Session", "django_tasks_db.DBTaskResult"}


def db_counts() -> dict[str, int]:
    counts = {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.label not in _VOLATILE and not model._meta.proxy and model._meta.managed
    }
    # A wrong password is written to the audit log on purpose (security), nothing else is.
    audit = apps.get_model("espace_famille", "AuditEvent")
    counts["espace_famille.AuditEvent"] = audit.objects.exclude(kind="login_failed").count()
    return counts


def changed(before: dict[str, int], after: dict[str, int]) -> dict[str, tuple[int, int]]:
    return {k: (before[k], after[k]) for k in before if before[k] != after.get(k)}


ERROR_SHOWN = re.compile(r"errorlist|message--error|message--warning|field--error")
