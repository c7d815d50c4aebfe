"""inscriptions' extension point (`espace_famille.registry.Registry`): what other apps do when
staff cancel an enrolment (reservations cancels its coming bookings).

A handler is `fn(*, enrolment, by, request)`, called by `services.enrolment_cancel` inside its
transaction, in the order the handlers were registered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from espace_famille.registry import Registry

if TYPE_CHECKING:
    from django.http import HttpRequest

    from espace_famille.models import User
    from inscriptions.models import Enrolment


class EnrolmentCancelledHandler(Protocol):
    def __call__(
        self, *, enrolment: Enrolment, by: User | None, request: HttpRequest | None
    ) -> None: ...


enrolment_cancelled: Registry[EnrolmentCancelledHandler] = Registry("on enrolment cancelled")
