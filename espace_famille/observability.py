"""Optional error reporting (SENTRY_DSN): errors reach the team, families' personal data does not.

The SDK is started with `send_default_pii=False` (no cookies, no IP address, no user), and every
event goes through `scrub()` before it leaves the server: request bodies, cookies, query strings
and authentication headers are dropped, the user is reduced to an id, and email addresses are
masked wherever they appear in messages, exceptions and breadcrumbs.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from sentry_sdk.types import Event, Hint

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
MASK = "[email]"
DROPPED_HEADERS = {"cookie", "authorization", "x-forwarded-for", "x-real-ip", "stripe-signature"}


def _mask(value: Any) -> Any:
    if isinstance(value, str):
        return EMAIL.sub(MASK, value)
    if isinstance(value, dict):
        return {key: _mask(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_mask(item) for item in value]
    return value


def scrub(event: Event, hint: Hint | None = None) -> Event:
    """Sentry's before_send (and before_send_transaction): remove what identifies a family."""
    # Sentry's Event is a TypedDict, a plain dict at run time: edited in place as one.
    _scrub(cast("dict[str, Any]", event))
    return event


def _scrub(event: dict[str, Any]) -> None:
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "query_string", "env"):
            request.pop(key, None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {
                name: value
                for name, value in headers.items()
                if name.lower() not in DROPPED_HEADERS
            }
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    for key in ("message", "logentry", "exception", "breadcrumbs", "extra", "contexts", "tags"):
        if key in event:
            event[key] = _mask(event[key])


def init_sentry(dsn: str, *, environment: str) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        before_send=scrub,
        before_send_transaction=scrub,
        traces_sample_rate=0.0,
    )
