"""Capacity under concurrency: 30 parents book the last 5 places at once, 5 bookings result."""

import threading

import pytest
from django.db import connection

from reservations.models import Booking, Opening
from reservations.services import BookingRefused, booking_create
from tests.factories import enrol, make_family

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]


def test_thirty_parents_for_the_last_five_places(activity, opening, before):
    Opening.objects.filter(pk=opening.pk).update(capacity=10)
    families = [make_family(f"CONC{i}", f"conc{i}@example.org", ("Enfant",)) for i in range(35)]
    children = [f.members.get(first_name="Enfant") for f in families]
    for child in children:
        enrol(child, activity)
    for child in children[:5]:
        booking_create(member=child, opening=opening, user=None, now=before)
    racers = children[5:]
    barrier = threading.Barrier(len(racers))
    outcomes: list[str] = []
    lock = threading.Lock()

    def book(child):
        try:
            barrier.wait(timeout=30)
            booking_create(member=child, opening=opening, user=None, now=before)
            outcome = "booked"
        except BookingRefused as refused:
            outcome = refused.code
        except Exception as error:  # reported in the assertion below
            outcome = repr(error)
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=book, args=(child,)) for child in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(outcomes) == 30
    assert outcomes.count("booked") == 5, outcomes
    assert outcomes.count(BookingRefused.FULL) == 25, outcomes
    assert Booking.objects.filter(opening=opening, status="booked").count() == 10
    opening.refresh_from_db()
    assert opening.booked_count == 10  # the counter, kept under the row lock, saw every one
