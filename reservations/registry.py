"""reservations' extension point (`espace_famille.registry.Registry`): booking rules other apps
add (e.g. factures: overdue balance above a threshold).

A rule is `fn(*, member, opening, user) -> str | None`: a French refusal message, or None.
Every booking made by a parent runs every registered rule, after the built-in ones, in the
order they were registered.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from espace_famille.models import User
    from famille.models import Member
    from reservations.models import Opening

from espace_famille.registry import Registry

BookingRule = Callable[..., str | None]

booking_rules: Registry[BookingRule] = Registry("booking rules")


def registered_rule_problem(*, member: Member, opening: Opening, user: User | None) -> str | None:
    """The first refusal of the registered rules, or None."""
    for rule in booking_rules:
        message = rule(member=member, opening=opening, user=user)
        if message:
            return str(message)
    return None
