"""Signals other apps listen to (reservations cancels the bookings of a cancelled enrolment)."""

from django.dispatch import Signal

# Sent by services.enrolment_cancel inside its transaction, with `enrolment`, `by`, `request`.
enrolment_cancelled = Signal()
