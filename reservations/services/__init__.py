"""Writes of Mes réservations, one module per subject.

- common: the refusal, the rules a new booking must meet, places taken and the counter;
- bookings: booking, cancelling and confirming one place;
- waitlist: joining and leaving a waiting list, freed places given to the first in line;
- bulk: a parent's ticked cells applied together, and the typical week;
- openings: openings generated, capacities changed, days closed (staff);
- calendar: the household's private calendar feed, created or renewed.

Callers import from `reservations.services`; the names are re-exported here.
"""

from reservations.services.bookings import (
    booking_cancel,
    booking_confirm,
    booking_create,
    bookings_cancel_for_enrolment,
)
from reservations.services.bulk import (
    ApplyResult,
    Outcome,
    TypicalWeekSummary,
    bookings_apply,
    typical_week_apply,
)
from reservations.services.calendar import calendar_feed_renew
from reservations.services.common import BookingRefused, booking_problem, openings_recount
from reservations.services.openings import (
    closure_apply,
    opening_update,
    openings_generate,
    openings_generate_job,
)
from reservations.services.waitlist import waitlist_join, waitlist_leave, waitlist_promote

__all__ = [
    "ApplyResult",
    "BookingRefused",
    "Outcome",
    "TypicalWeekSummary",
    "booking_cancel",
    "booking_confirm",
    "booking_create",
    "booking_problem",
    "bookings_apply",
    "bookings_cancel_for_enrolment",
    "calendar_feed_renew",
    "closure_apply",
    "opening_update",
    "openings_generate",
    "openings_generate_job",
    "openings_recount",
    "typical_week_apply",
    "waitlist_join",
    "waitlist_leave",
    "waitlist_promote",
]
