"""Reads shared by the enrolment pages, the booking planning and the dashboard."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from famille.selectors import household_members
from inscriptions.models import Activity, Enrolment

if TYPE_CHECKING:
    from famille.models import Family, Member

LIVE = (Enrolment.Status.REQUESTED, Enrolment.Status.ACCEPTED)
PERIODS = ("current", "coming", "past")


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def eligibility_problem(member: Member, activity: Activity, today: datetime.date) -> str | None:
    """Why `member` may not request `activity` today (a French message), or None."""
    if not activity.enrolment_open(today):
        return _("Les inscriptions à cette activité ne sont pas ouvertes.")
    if activity.min_age is not None or activity.max_age is not None:
        if member.birth_date is None:
            return _("La date de naissance est nécessaire pour cette activité.")
        age = age_on(member.birth_date, activity.start_date)
        if activity.min_age is not None and age < activity.min_age:
            return _("Cette activité est réservée aux %(n)d ans et plus.") % {"n": activity.min_age}
        if activity.max_age is not None and age > activity.max_age:
            return _("Cette activité est réservée aux %(n)d ans et moins.") % {
                "n": activity.max_age
            }
    classes = activity.class_list
    if classes and str(getattr(member, "school_class", "") or "").strip().upper() not in classes:
        return _("Cette activité est réservée aux classes : %(classes)s.") % {
            "classes": ", ".join(classes)
        }
    return None


def eligible_activities(member: Member, today: datetime.date) -> list[Activity]:
    """Activities `member` may request today (two queries)."""
    taken = Enrolment.objects.filter(member=member, status__in=LIVE).values("activity_id")
    candidates = (
        Activity.objects.filter(portal_enrolment=True, end_date__gte=today)
        .filter(Q(enrolment_opens_on__isnull=True) | Q(enrolment_opens_on__lte=today))
        .filter(Q(enrolment_closes_on__isnull=True) | Q(enrolment_closes_on__gte=today))
        .exclude(pk__in=taken)
        .order_by("start_date", "name")
    )
    return [a for a in candidates if eligibility_problem(member, a, today) is None]


def member_enrolments(
    member: Member,
    *,
    today: datetime.date,
    period: str = "",
    activity_id: int | None = None,
) -> QuerySet[Enrolment]:
    enrolments = Enrolment.objects.filter(member=member).select_related("activity")
    if period == "current":
        enrolments = enrolments.filter(start_date__lte=today, end_date__gte=today)
    elif period == "coming":
        enrolments = enrolments.filter(start_date__gt=today)
    elif period == "past":
        enrolments = enrolments.filter(end_date__lt=today)
    if activity_id:
        enrolments = enrolments.filter(activity_id=activity_id)
    return enrolments.order_by("-start_date", "activity__name")


def pending_requests_count(family: Family) -> int:
    """Dashboard badge: enrolment requests waiting for the structure (one query)."""
    return Enrolment.objects.filter(
        member__in=household_members(family), status=Enrolment.Status.REQUESTED
    ).count()


def activity_document_requirements(member_ids: list[int]) -> dict[int, set[int]]:
    """documents' requirement source: member id -> DocumentType ids its activities require."""
    through = Activity.required_documents.through
    rows = through.objects.filter(
        activity__enrolments__member_id__in=member_ids,
        activity__enrolments__status__in=LIVE,
    ).values_list("activity__enrolments__member_id", "documenttype_id")
    result: dict[int, set[int]] = {}
    for member_id, type_id in rows:
        result.setdefault(member_id, set()).add(type_id)
    return result
