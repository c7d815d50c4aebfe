"""Notice periods (délais de prévenance): until when a day can be booked or cancelled."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.utils import timezone

from inscriptions.models import Activity, NoticeKind
from reservations.holidays import is_working_day


@dataclass(frozen=True)
class Notice:
    kind: str
    days: int = 0
    working_days: bool = False
    weekday: int = 4  # ISO: 1 = Monday
    month_day: int = 20
    time: datetime.time = datetime.time(12, 0)

    def deadline(self, day: datetime.date, start: datetime.time | None = None) -> datetime.datetime:
        """The last moment (exclusive) to act on `day`, an aware datetime in the current zone."""
        if self.kind == NoticeKind.DAYS:
            limit_day = _days_before(day, self.days, self.working_days)
            at = self.time
        elif self.kind == NoticeKind.WEEKDAY:
            monday = day - datetime.timedelta(days=day.isoweekday() - 1)
            limit_day = monday - datetime.timedelta(days=8 - self.weekday)
            at = self.time
        elif self.kind == NoticeKind.MONTH_DAY:
            year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
            last = calendar.monthrange(year, month)[1]
            limit_day = datetime.date(year, month, min(self.month_day, last))
            at = self.time
        else:
            limit_day, at = day, start or datetime.time(0, 0)
        return timezone.make_aware(datetime.datetime.combine(limit_day, at))


def _days_before(day: datetime.date, count: int, working_only: bool) -> datetime.date:
    if not working_only:
        return day - datetime.timedelta(days=count)
    current = day
    while count > 0:
        current -= datetime.timedelta(days=1)
        if is_working_day(current):
            count -= 1
    return current


def booking_notice(activity: Activity) -> Notice:
    return Notice(
        kind=activity.booking_notice,
        days=activity.booking_notice_days,
        working_days=activity.booking_notice_working_days,
        weekday=activity.booking_notice_weekday,
        month_day=activity.booking_notice_month_day,
        time=activity.booking_notice_time,
    )


def cancel_notice(activity: Activity) -> Notice:
    return Notice(
        kind=activity.cancel_notice,
        days=activity.cancel_notice_days,
        working_days=activity.cancel_notice_working_days,
        weekday=activity.cancel_notice_weekday,
        month_day=activity.cancel_notice_month_day,
        time=activity.cancel_notice_time,
    )


def booking_deadline(
    activity: Activity, day: datetime.date, start: datetime.time | None = None
) -> datetime.datetime:
    return booking_notice(activity).deadline(day, start)


def cancel_deadline(
    activity: Activity, day: datetime.date, start: datetime.time | None = None
) -> datetime.datetime:
    return cancel_notice(activity).deadline(day, start)
