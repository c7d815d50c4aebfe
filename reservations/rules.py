"""Booking rules other apps add (e.g. factures: overdue balance above a threshold).

A rule is `fn(*, member, opening, user) -> str | None`: a French refusal message, or None.
Every booking made by a parent runs every registered rule, after the built-in ones.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from espace_famille.models import User
    from famille.models import Member
    from reservations.models import Opening

BookingRule = Callable[..., str | None]

_rules: list[BookingRule] = []


def register_booking_rule(fn: BookingRule) -> BookingRule:
    """Register `fn` once (again does nothing); usable as a decorator."""
    if fn not in _rules:
        _rules.append(fn)
    return fn


def unregister_booking_rule(fn: BookingRule) -> None:
    if fn in _rules:
        _rules.remove(fn)


def booking_rules() -> tuple[BookingRule, ...]:
    return tuple(_rules)


def registered_rule_problem(*, member: Member, opening: Opening, user: User | None) -> str | None:
    """The first refusal of the registered rules, or None."""
    for rule in _rules:
        message = rule(member=member, opening=opening, user=user)
        if message:
            return str(message)
    return None
