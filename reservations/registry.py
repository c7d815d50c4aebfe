"""reservations' extension points (`espace_famille.registry.Registry`): booking rules other apps
add (e.g. factures: overdue balance above a threshold), and what they do when staff accept a
justified absence (factures: a credit note for the days already invoiced).

A rule is `fn(*, member, opening, user) -> str | None`: a French refusal message, or None.
Every booking made by a parent runs every registered rule, after the built-in ones, in the
order they were registered.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from django.http import HttpRequest

    from espace_famille.models import User
    from famille.models import Member
    from reservations.models import AbsenceDeclaration, Booking, Opening

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


class AbsenceCreditedHandler(Protocol):
    """Called by `absences.services.absence_accept` inside its transaction, with the bookings
    the declaration credits (past the waiting days), in the order handlers were registered."""

    def __call__(
        self,
        *,
        declaration: AbsenceDeclaration,
        bookings: list[Booking],
        by: User | None,
        request: HttpRequest | None,
    ) -> object: ...


absence_credited: Registry[AbsenceCreditedHandler] = Registry("on absence credited")
