"""Test data: the builders every test and fixture uses (fixtures stay in the conftest files)."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from contact.models import Message, Thread
from documents.models import DocumentType, Submission
from espace_famille import audit
from espace_famille.models import AuditEvent, User
from factures import services
from factures.models import Invoice, Tariff
from factures.sepa import services as sepa_services
from factures.services import LineSpec
from famille.models import Family, Member, SharedCustody
from inscriptions.models import Activity, Enrolment, Unit
from reservations.models import Booking, Opening
from reservations.services import openings_recount

PASSWORD = "un-mot-de-passe-solide-42"


def make_family(name: str, email: str, children: tuple[str, ...] = ("Léa",)) -> Family:
    family = Family.objects.create(name=name, city="Paris", email=email)
    Member.objects.create(
        family=family,
        role=Member.Role.PARENT,
        first_name="Parent",
        last_name=name,
        birth_date=datetime.date(1985, 1, 1),
    )
    for first_name in children:
        Member.objects.create(
            family=family,
            role=Member.Role.CHILD,
            first_name=first_name,
            last_name=name,
            birth_date=datetime.date(2017, 5, 21),
        )
    return family


def make_parent(family: Family, email: str) -> User:
    return User.objects.create_user(
        email, PASSWORD, family=family, first_name="Parent", last_name=family.name
    )


def image_bytes(fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format=fmt, **options)
    return buffer.getvalue()


PDF_BYTES = image_bytes("PDF")  # a real one-page PDF


def upload(name: str, content: bytes, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def attachment_of(thread: Thread) -> Message:
    return thread.messages.exclude(attachment="").first()


def make_type(name: str = "Carnet de vaccination", **fields: object) -> DocumentType:
    fields.setdefault("scope", DocumentType.Scope.CHILD)
    fields.setdefault("mandatory", True)
    return DocumentType.objects.create(name=name, **fields)


def make_submission(
    family,
    document_type: DocumentType,
    member=None,
    status: str = Submission.Status.PENDING,
    valid_until: datetime.date | None = None,
    uploaded_at: datetime.datetime | None = None,
    **fields: object,
) -> Submission:
    return Submission.objects.create(
        family=family,
        member=member,
        document_type=document_type,
        status=status,
        valid_until=valid_until,
        file=fields.pop("file", "documents/submissions/absent.pdf"),
        content_type="application/pdf",
        uploaded_at=uploaded_at or timezone.now(),
        **fields,
    )


OCTOBER = datetime.date(2026, 10, 1)


def book(member, unit, day: datetime.date, *, status="booked", late=False, family=None) -> Booking:
    """A booking; `family`: the household that made it (shared custody), empty = the main one."""
    opening, _created = Opening.objects.get_or_create(
        unit=unit, date=day, defaults={"capacity": 20}
    )
    booking = Booking.objects.create(
        member=member, opening=opening, status=status, late_cancellation=late, family=family
    )
    openings_recount(opening_ids=[opening.pk])  # the places shown stay right
    return booking


def child(family, first_name):
    return family.members.get(first_name=first_name)


def issue(family, *amounts: str, month: datetime.date = OCTOBER, issued_on=None):
    """An invoice of one line per amount (no PDF, rendered by the tests that need it)."""
    return services.invoice_issue(
        family=family,
        period_start=month,
        period_end=month.replace(day=28),
        lines=[
            LineSpec(label=f"Ligne {i}", quantity=Decimal(1), unit_price=Decimal(amount))
            for i, amount in enumerate(amounts, start=1)
        ],
        issued_on=issued_on or datetime.date(2026, 11, 2),
        render_pdf=False,
    )


def issue_two_children(family) -> Invoice:
    """An October invoice of 20.30 € (Léa's four mornings, Hugo's two meals), its PDF stored
    once the commit is done (run it under django_capture_on_commit_callbacks(execute=True))."""
    return services.invoice_issue(
        family=family,
        period_start=OCTOBER,
        period_end=OCTOBER.replace(day=31),
        lines=[
            LineSpec(
                label="Mercredis loisirs — Matin",
                quantity=Decimal(4),
                unit_price=Decimal("3.00"),
                member=child(family, "Léa"),
            ),
            LineSpec(
                label="Mercredis loisirs — Repas",
                quantity=Decimal(2),
                unit_price=Decimal("4.15"),
                member=child(family, "Hugo"),
            ),
        ],
    )


def child_post(member: Member, **changes: object) -> dict[str, object]:
    """The POST a browser sends for a child's form when the parent changes `changes`."""
    data: dict[str, object] = {
        "first_name": member.first_name,
        "last_name": member.last_name,
        "birth_date": member.birth_date.isoformat() if member.birth_date else "",
        "phone": member.phone,
        "email": member.email,
        "school": member.school,
        "school_class": member.school_class,
        "doctor_name": member.doctor_name,
        "doctor_phone": member.doctor_phone,
        "allergies": member.allergies,
        "dietary_needs": member.dietary_needs,
    }
    for flag in ("has_pai", "photo_allowed", "may_leave_alone", "transport_allowed"):
        if getattr(member, flag):
            data[flag] = "on"
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        elif value is True:
            data[name] = "on"
        else:
            data[name] = value
    return data


def login_at(family, user, moment: datetime.datetime) -> AuditEvent:
    event = audit.record(family, user, audit.Kind.LOGIN, "Connexion")
    # The audit model refuses save() on an existing row; tests backdate through the queryset.
    AuditEvent.objects.filter(pk=event.pk).update(created_at=moment)
    return event


def local(year, month, day, hour=10, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=timezone.get_current_timezone())


# A fixed week far from today: services get `now=` explicitly.
WEDNESDAY = datetime.date(2030, 3, 6)


def aware(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=timezone.get_current_timezone())


def enrol(member, activity, status=Enrolment.Status.ACCEPTED) -> Enrolment:
    return Enrolment.objects.create(
        member=member,
        activity=activity,
        status=status,
        start_date=activity.start_date,
        end_date=activity.end_date,
    )


def insert_booking(member, opening, **fields) -> Booking:
    """A booking written straight to the table (no rule checked), its opening's count kept."""
    booking = Booking.objects.create(member=member, opening=opening, **fields)
    openings_recount(opening_ids=[opening.pk])
    return booking


def canteen_weeks(family):
    """Léa enrolled in a canteen with four openings in two weeks' time: (lea, that monday)."""
    today = timezone.localdate()
    activity = Activity.objects.create(
        name="Restauration scolaire",
        service="restauration",
        start_date=today - datetime.timedelta(days=30),
        end_date=today + datetime.timedelta(days=200),
    )
    unit = Unit.objects.create(activity=activity, name="Repas", weekdays="1245", capacity=12)
    lea = family.members.get(first_name="Léa")
    enrol(lea, activity)
    monday = today - datetime.timedelta(days=today.weekday()) + datetime.timedelta(weeks=2)
    for offset in (0, 1, 3, 4):
        Opening.objects.create(
            unit=unit, date=monday + datetime.timedelta(days=offset), capacity=12
        )
    return lea, monday


def make_staff(email: str, *codenames: str) -> User:
    user = User.objects.create_user(email, PASSWORD, is_staff=True)
    if codenames:
        user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


def make_open_activity(today: datetime.date) -> Activity:
    """A Wednesday activity whose enrolment requests are open on `today`."""
    activity = Activity.objects.create(
        name="Accueil de loisirs du mercredi",
        service=Activity.Service.LOISIRS,
        start_date=today + datetime.timedelta(days=10),
        end_date=today + datetime.timedelta(days=200),
        enrolment_opens_on=today - datetime.timedelta(days=5),
        enrolment_closes_on=today + datetime.timedelta(days=5),
        min_age=3,
        max_age=12,
        capacity=24,
    )
    Unit.objects.create(activity=activity, name="Journée", weekdays="3", capacity=24)
    return activity


def make_school_year_activity(name: str = "Accueil du mercredi", **fields: object) -> Activity:
    """A leisure activity over the 2029-2030 school year (`fields`: its notices, service…)."""
    return Activity.objects.create(
        name=name,
        service=fields.pop("service", Activity.Service.LOISIRS),
        start_date=datetime.date(2029, 9, 1),
        end_date=datetime.date(2030, 7, 4),
        **fields,
    )


def make_morning_unit(activity: Activity) -> Unit:
    """Weekday mornings, 8:30 to 12:00, ten places."""
    return Unit.objects.create(
        activity=activity,
        name="Matin",
        start_time=datetime.time(8, 30),
        end_time=datetime.time(12, 0),
        weekdays="12345",
        capacity=10,
    )


def make_billed_activity() -> Activity:
    return Activity.objects.create(
        name="Mercredis loisirs",
        service=Activity.Service.LOISIRS,
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2027, 7, 6),
    )


def make_billed_units(activity: Activity) -> dict[str, Unit]:
    return {
        "matin": Unit.objects.create(activity=activity, name="Matin", order=1),
        "repas": Unit.objects.create(activity=activity, name="Repas", order=2),
    }


def make_tariffs(units: dict[str, Unit]) -> list[Tariff]:
    """Matin: 3 € up to QF 700, 5 € from 701 (and for an unknown QF). Repas: 4 € for all."""
    start = datetime.date(2026, 9, 1)
    return [
        Tariff.objects.create(unit=units["matin"], price="3.00", valid_from=start, qf_max=700),
        Tariff.objects.create(unit=units["matin"], price="5.00", valid_from=start, qf_min=701),
        Tariff.objects.create(unit=units["repas"], price="4.00", valid_from=start),
    ]


# Direct debit: the creditor configured by tests/factures/sepa/conftest.py, test IBANs.
CREDITOR_ID = "FR72ZZZ123456"  # a valid ICS (mod 97 check)
IBAN_TEST = "FR7630006000011234567890189"
IBAN_OTHER = "FR7630004000010001234567830"
IBAN_THIRD = "FR7610278060000001234567872"
TODAY = datetime.date(2026, 11, 20)
COLLECTION_DAY = datetime.date(2026, 12, 10)  # the debit day, 20 days ahead


def paper_mandate(family, staff, iban: str = IBAN_TEST, holder: str = "Camille Test"):
    return sepa_services.mandate_record_paper(
        family=family,
        user=staff,
        holder=holder,
        iban=iban,
        signed_on=datetime.date(2026, 10, 1),
    )


def collect(staff, day: datetime.date = COLLECTION_DAY, today: datetime.date = TODAY):
    return sepa_services.collection_create(collection_date=day, user=staff, today=today)


def share_child(member: Member, family: Family) -> SharedCustody:
    """Shared custody: `member` also belongs to `family` (its second household)."""
    return SharedCustody.objects.create(member=member, family=family)
