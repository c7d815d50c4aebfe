"""Notice periods (délais de prévenance) and French public holidays."""

import datetime

import pytest

from reservations.holidays import bank_holidays, is_working_day
from reservations.models import Booking
from reservations.notice import Notice
from reservations.services import BookingRefused, booking_cancel, booking_create
from tests.factories import WEDNESDAY, aware

NOON = datetime.time(12, 0)


@pytest.mark.parametrize(
    ("year", "easter_monday"),
    [(2024, (4, 1)), (2025, (4, 21)), (2026, (4, 6)), (2030, (4, 22))],
)
def test_easter_monday_is_a_public_holiday(year, easter_monday):
    assert datetime.date(year, *easter_monday) in bank_holidays(year)


def test_bank_holidays_2026():
    days = bank_holidays(2026)
    assert len(days) == 11
    assert datetime.date(2026, 4, 6) in days  # lundi de Pâques
    assert datetime.date(2026, 5, 14) in days  # Ascension
    assert datetime.date(2026, 5, 25) in days  # lundi de Pentecôte
    assert datetime.date(2026, 7, 14) in days
    assert not is_working_day(datetime.date(2026, 11, 11))
    assert is_working_day(datetime.date(2026, 11, 12))
    assert is_working_day(datetime.date(2026, 4, 3))  # Good Friday: only in Alsace-Moselle
    assert is_working_day(datetime.date(2026, 12, 24))


def test_alsace_moselle_adds_good_friday_and_saint_stephen(settings):
    settings.PUBLIC_HOLIDAYS = "alsace-moselle"
    days = bank_holidays(2026)
    assert len(days) == 13
    assert datetime.date(2026, 4, 3) in days  # Vendredi saint
    assert datetime.date(2026, 12, 26) in days  # Saint-Étienne
    assert not is_working_day(datetime.date(2026, 4, 3))


def test_alsace_moselle_moves_a_working_day_deadline_over_good_friday(settings):
    # Wednesday 8 April 2026, two working days before; Monday 6 is Easter Monday.
    day = datetime.date(2026, 4, 8)
    working = Notice(kind="days", days=2, working_days=True, time=NOON)
    assert working.deadline(day) == aware(2026, 4, 3, 12, 0)  # Tuesday 7, Friday 3
    settings.PUBLIC_HOLIDAYS = "alsace-moselle"
    assert working.deadline(day) == aware(2026, 4, 2, 12, 0)  # Tuesday 7, Thursday 2


def test_days_before_at_a_time():
    notice = Notice(kind="days", days=2, time=NOON)
    assert notice.deadline(WEDNESDAY) == aware(2030, 3, 4, 12, 0)


def test_working_days_skip_weekend_and_bank_holiday():
    # Wednesday 24 April 2030; Monday 22 is Easter Monday.
    day = datetime.date(2030, 4, 24)
    assert Notice(kind="days", days=2, time=NOON).deadline(day) == aware(2030, 4, 22, 12, 0)
    working = Notice(kind="days", days=2, working_days=True, time=NOON)
    assert working.deadline(day) == aware(2030, 4, 19, 12, 0)


def test_weekday_of_previous_week():
    thursday_noon = Notice(kind="weekday", weekday=4, time=NOON)
    assert thursday_noon.deadline(WEDNESDAY) == aware(2030, 2, 28, 12, 0)
    # Same deadline for every day of the week, Monday to Sunday.
    assert thursday_noon.deadline(datetime.date(2030, 3, 4)) == aware(2030, 2, 28, 12, 0)
    assert thursday_noon.deadline(datetime.date(2030, 3, 10)) == aware(2030, 2, 28, 12, 0)
    sunday = Notice(kind="weekday", weekday=7, time=datetime.time(20, 0))
    assert sunday.deadline(WEDNESDAY) == aware(2030, 3, 3, 20, 0)


def test_day_of_previous_month():
    assert Notice(kind="month_day", month_day=20, time=NOON).deadline(WEDNESDAY) == aware(
        2030, 2, 20, 12, 0
    )
    # Clamped to the month's length, and across the year.
    assert Notice(kind="month_day", month_day=31, time=NOON).deadline(WEDNESDAY) == aware(
        2030, 2, 28, 12, 0
    )
    assert Notice(kind="month_day", month_day=25, time=NOON).deadline(
        datetime.date(2030, 1, 8)
    ) == aware(2029, 12, 25, 12, 0)


def test_no_notice_is_the_start_of_the_unit():
    notice = Notice(kind="none")
    assert notice.deadline(WEDNESDAY, datetime.time(8, 30)) == aware(2030, 3, 6, 8, 30)


def test_booking_at_the_exact_deadline(parent, lea, opening, enrolled):
    # Booking deadline: two days before at noon, Monday 4 March 2030 12:00.
    with pytest.raises(BookingRefused) as refused:
        booking_create(member=lea, opening=opening, user=parent, now=aware(2030, 3, 4, 12, 0))
    assert refused.value.code == BookingRefused.DEADLINE
    assert "le délai pour réserver est dépassé" in refused.value.message
    assert "lundi 4 mars à 12:00" in refused.value.message
    booking = booking_create(
        member=lea, opening=opening, user=parent, now=aware(2030, 3, 4, 11, 59, 59)
    )
    assert booking.status == Booking.Status.BOOKED


def test_cancelling_at_the_exact_deadline(parent, lea, opening, enrolled, before):
    booking = booking_create(member=lea, opening=opening, user=parent, now=before)
    # Cancelling deadline: one day before at 18:00, Tuesday 5 March 2030 18:00.
    with pytest.raises(BookingRefused) as refused:
        booking_cancel(booking=booking, user=parent, now=aware(2030, 3, 5, 18, 0))
    assert refused.value.code == BookingRefused.DEADLINE
    assert "le délai pour annuler est dépassé" in refused.value.message
    cancelled = booking_cancel(booking=booking, user=parent, now=aware(2030, 3, 5, 17, 59, 59))
    assert cancelled.status == Booking.Status.CANCELLED
    assert cancelled.late_cancellation is False
