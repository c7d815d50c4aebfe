"""Anonymising a departed household (RGPD): everything personal goes, the accounting stays.

The household is given a distinctive value in every kind of field (names, contacts, health,
documents, messages, logins, emails, the admin's history); after anonymisation a scan of every
text column of every table finds none of them, except the accounting fields the law keeps
(`KEPT`), and the issued invoice's stored PDF is byte for byte the same.
"""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import models
from django.urls import reverse
from django.utils import timezone

from contact.services import thread_create
from documents.models import Submission
from espace_famille import audit
from espace_famille.anonymisation import household_plan
from espace_famille.models import AuditEvent, SentReminder, User
from factures.models import Invoice, InvoiceLine, Payment
from factures.services import LineSpec, invoice_issue, invoice_pdf_store, payment_record_offline
from famille.audit_kinds import FamilyEvent
from famille.models import Family, Member
from famille.services import (
    AnonymisationRefused,
    change_request_create,
    family_anonymise,
    household_close,
)
from inscriptions.models import Activity, Enrolment
from reservations.models import AbsenceDeclaration, CalendarFeed
from tests.factories import PASSWORD, PDF_BYTES, make_type, upload

pytestmark = pytest.mark.django_db

SECRETS = [
    "Dubreuil-Saintange",
    "Anatole",
    "Philomène",
    "Grand-mère Odette",
    "12 rue des Lilas",
    "Montcuq-Village",
    "0611223344",
    "dubreuil@example.org",
    "papa.dubreuil@example.org",
    "anatole.dub@example.org",
    "Arachides-secretes",
    "Dr Mabuse",
    "Sans gluten strict",
    "École Jules-Ferry-Nord",
    "Absence d'Anatole pour opération",
    "Anatole sera opéré",
    "certificat-anatole.pdf",
    "Commentaire sur Anatole",
]
# Accounting fields the law keeps as issued (Code de commerce L123-22): the invoice's payer and
# address, the child's name on its lines.
KEPT = {
    (Invoice, "household_name"),
    (Invoice, "household_address"),
    (InvoiceLine, "member_name"),
}
ATTACHMENT = PDF_BYTES + b"%anatole"


@pytest.fixture
def departed(structure, staff):
    family = Family.objects.create(
        name="Dubreuil-Saintange",
        address="12 rue des Lilas",
        postal_code="46800",
        city="Montcuq-Village",
        phone="0611223344",
        email="dubreuil@example.org",
        payer_name="Dubreuil-Saintange Paul",
        quotient_familial=612,
    )
    Member.objects.create(
        family=family, role="parent", first_name="Paul", last_name="Dubreuil-Saintange"
    )
    anatole = Member.objects.create(
        family=family,
        role="child",
        first_name="Anatole",
        last_name="Dubreuil-Saintange",
        birth_date=datetime.date(2017, 3, 4),
        email="anatole.dub@example.org",
        school="École Jules-Ferry-Nord",
        doctor_name="Dr Mabuse",
        allergies="Arachides-secretes",
        dietary_needs="Sans gluten strict",
        has_pai=True,
    )
    Member.objects.create(
        family=family, role="child", first_name="Philomène", last_name="Dubreuil-Saintange"
    )
    Member.objects.create(
        family=family,
        role="other",
        first_name="Grand-mère Odette",
        last_name="Dubreuil-Saintange",
        can_pick_up=True,
    )
    login = User.objects.create_user(
        "papa.dubreuil@example.org",
        PASSWORD,
        family=family,
        first_name="Paul",
        last_name="Dubreuil-Saintange",
    )
    audit.record(family, login, audit.Kind.LOGIN, "Connexion à l'Espace famille")
    change_request_create(
        family=family, user=login, target=anatole, values={"school": "École Jules-Ferry-Nord 2"}
    )
    thread_create(
        family=family,
        user=login,
        subject="Absence d'Anatole pour opération",
        body="Anatole sera opéré mardi.",
        attachment=upload("mot.pdf", ATTACHMENT),
    )
    stored = default_storage.save("documents/submissions/cert.pdf", ContentFile(PDF_BYTES))
    Submission.objects.create(
        family=family,
        member=anatole,
        document_type=make_type(),
        file=stored,
        original_name="certificat-anatole.pdf",
    )
    activity = Activity.objects.create(
        name="Mercredis",
        service=Activity.Service.LOISIRS,
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2027, 7, 6),
    )
    Enrolment.objects.create(
        member=anatole,
        activity=activity,
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2027, 7, 6),
        comment="Commentaire sur Anatole",
    )
    AbsenceDeclaration.objects.create(
        member=anatole,
        family=anatole.family,
        activity=activity,
        first_day=datetime.date(2026, 10, 7),
        last_day=datetime.date(2026, 10, 7),
        reason="illness",
        comment="Anatole avait de la fièvre",
        certificate=default_storage.save("reservations/absences/cert.pdf", ContentFile(PDF_BYTES)),
        certificate_name="certificat-anatole.pdf",
        status=AbsenceDeclaration.Status.REFUSED,
        refusal_reason="Certificat de Philomène, pas d'Anatole",
    )
    invoice = invoice_issue(
        family=family,
        period_start=datetime.date(2026, 10, 1),
        period_end=datetime.date(2026, 10, 31),
        lines=[
            LineSpec(
                label="Mercredis",
                quantity=Decimal(2),
                unit_price=Decimal("7.50"),
                member=anatole,
                member_name="Anatole Dubreuil-Saintange",
            )
        ],
        issued_on=datetime.date(2026, 11, 2),
        render_pdf=False,
    )
    invoice_pdf_store(invoice_id=invoice.pk)
    payment_record_offline(invoice=invoice, method="cheque", amount=Decimal("15.00"), user=staff)
    LogEntry.objects.create(
        user=staff,
        content_type=ContentType.objects.get_for_model(Member),
        object_id=str(anatole.pk),
        object_repr=str(anatole),
        action_flag=CHANGE,
        change_message='[{"changed": {"fields": ["Allergies"]}}]',
    )
    household_close(family=family, user=staff)
    family.refresh_from_db()
    return family


def personal_strings_left() -> list[str]:
    """Every (table.column: secret) still found in a text column of the database."""
    found = []
    for model in apps.get_models():
        fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
            and (model, f.name) not in KEPT
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*(f.name for f in fields)):
            for field, value in zip(fields, row, strict=True):
                text = str(value).lower()
                found += [
                    f"{model._meta.db_table}.{field.name}: {secret}"
                    for secret in SECRETS
                    if secret.lower() in text
                ]
    return found


def test_the_fixture_spreads_the_secrets_over_the_database(departed):
    assert len(personal_strings_left()) > len(SECRETS)


def test_after_anonymisation_no_personal_string_remains(
    departed, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        family_anonymise(family=departed, user=staff)
    assert personal_strings_left() == []


def test_the_accounting_stays_as_issued(departed, staff, django_capture_on_commit_callbacks):
    invoice = Invoice.objects.get(family=departed)
    with invoice.pdf.open("rb") as handle:
        pdf = hashlib.sha256(handle.read()).hexdigest()
    before = (invoice.number, invoice.total, invoice.household_name, invoice.pdf.name)
    payments = list(Payment.objects.filter(family=departed).values_list("pk", "amount"))
    with django_capture_on_commit_callbacks(execute=True):
        family_anonymise(family=departed, user=staff)
    invoice.refresh_from_db()
    assert (invoice.number, invoice.total, invoice.household_name, invoice.pdf.name) == before
    with invoice.pdf.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == pdf == invoice.pdf_sha256
    assert list(Payment.objects.filter(family=departed).values_list("pk", "amount")) == payments
    assert AuditEvent.objects.filter(family=departed, kind="payment_succeeded").exists()


def test_the_household_files_leave_the_storage(departed, staff, django_capture_on_commit_callbacks):
    names = [s.file.name for s in Submission.objects.filter(family=departed)]
    names += [m.attachment.name for m in departed.threads.get().messages.exclude(attachment="")]
    names += [
        d.certificate.name
        for d in AbsenceDeclaration.objects.filter(member__family=departed).exclude(certificate="")
    ]
    assert len(names) == 3 and all(default_storage.exists(n) for n in names)
    with django_capture_on_commit_callbacks(execute=True):
        family_anonymise(family=departed, user=staff)
    assert not any(default_storage.exists(name) for name in names)


def test_the_logins_can_no_longer_log_in(departed, staff, client):
    family_anonymise(family=departed, user=staff)
    login = User.objects.get(family=departed)
    assert not login.is_active and not login.has_usable_password()
    assert not client.login(email="papa.dubreuil@example.org", password=PASSWORD)


def test_anonymisation_is_audited_without_naming_anyone(departed, staff):
    family_anonymise(family=departed, user=staff)
    event = AuditEvent.objects.get(kind=FamilyEvent.HOUSEHOLD_ANONYMISED)
    assert event.family == departed and event.user == staff
    assert f"n° {departed.pk}" in event.summary and "Dubreuil" not in event.summary


def test_an_active_household_is_refused(family, staff):
    with pytest.raises(AnonymisationRefused):
        family_anonymise(family=family, user=staff)
    family.refresh_from_db()
    assert family.name == "TEST" and family.anonymised_at is None


def test_a_household_is_anonymised_once(departed, staff):
    family_anonymise(family=departed, user=staff)
    with pytest.raises(AnonymisationRefused):
        family_anonymise(family=departed, user=staff)


def test_another_household_is_untouched(departed, staff, other_family, other_parent, zoe):
    zoe.allergies = "Kiwi"
    zoe.save()
    family_anonymise(family=departed, user=staff)
    zoe.refresh_from_db()
    other_parent.refresh_from_db()
    assert (zoe.first_name, zoe.allergies, other_parent.email) == (
        "Zoé",
        "Kiwi",
        "autre@example.org",
    )
    assert Family.objects.get(pk=other_family.pk).name == "AUTRE"


def test_the_reminders_sent_and_the_calendar_feed_are_erased(
    departed, staff, other_family, other_parent
):
    """What was reminded to the household (its events) and its feed's secret go; another
    household's stay."""
    for household in (departed, other_family):
        SentReminder.objects.create(
            family=household,
            kind="facture-retard",
            key="facture-retard:1",
            sent_on=timezone.localdate(),
        )
        CalendarFeed.objects.create(
            family=household, secret=f"secret-{household.pk}", renewed_at=timezone.now()
        )
    plan = [item.label for _step, items in household_plan(departed) for item in items]
    assert "1 rappel envoyé effacé" in plan
    assert "Lien d'agenda des réservations effacé" in plan
    family_anonymise(family=departed, user=staff)
    assert not SentReminder.objects.filter(family=departed).exists()
    assert not CalendarFeed.objects.filter(family=departed).exists()
    assert SentReminder.objects.filter(family=other_family).count() == 1
    assert CalendarFeed.objects.filter(family=other_family).count() == 1


# The admin action: Direction only, a confirmation page listing what goes, then irreversible.

CHANGELIST = reverse("admin:famille_family_changelist")


def run_action(client, family, **extra):
    data = {"action": "action_anonymise", "_selected_action": [family.pk], "index": 0, **extra}
    return client.post(CHANGELIST, data)


def test_the_action_first_shows_exactly_what_will_go(staff_client, departed):
    response = run_action(staff_client, departed)
    assert response.status_code == 200
    page = response.content.decode()
    for shown in (
        "Anatole",
        "Grand-mère Odette",
        "Absence d&#x27;Anatole pour opération",
        "papa.dubreuil@example.org",
        "irréversible",
        "Conservé",
    ):
        assert shown in page, shown
    departed.refresh_from_db()
    assert departed.anonymised_at is None  # nothing done before the confirmation


def test_the_confirmed_action_anonymises(staff_client, departed):
    response = run_action(staff_client, departed, _confirmed="1")
    assert response.status_code == 302
    departed.refresh_from_db()
    assert departed.anonymised_at is not None and departed.name.startswith("Foyer anonymisé")


def test_the_action_is_for_direction_only(client, departed, staff_roles_accueil):
    client.force_login(staff_roles_accueil)
    response = run_action(client, departed, _confirmed="1")
    assert response.status_code == 403
    departed.refresh_from_db()
    assert departed.anonymised_at is None


def role_account(role: str) -> User:
    import importlib

    from django.apps import apps as django_apps
    from django.contrib.auth.models import Group

    importlib.import_module("espace_famille.migrations.0006_staff_roles").assign_roles(django_apps)
    user = User.objects.create_user(f"{role.lower()}@example.org", PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def staff_roles_accueil(db):
    return role_account("Accueil")


def test_direction_may_anonymise(client, departed):
    client.force_login(role_account("Direction"))
    assert run_action(client, departed, _confirmed="1").status_code == 302
    departed.refresh_from_db()
    assert departed.anonymised_at is not None


# The retention steps: inactive households closed, departed ones anonymised after their period.


def run_retention(*args: str) -> str:
    out = StringIO()
    call_command("retention", *args, stdout=out)
    return out.getvalue()


def test_a_departed_household_is_anonymised_after_its_period(departed, settings):
    settings.RETENTION_DEPARTED_FAMILY_YEARS = 1
    Family.objects.filter(pk=departed.pk).update(
        left_on=timezone.localdate() - datetime.timedelta(days=364)
    )
    assert "foyers-partis: 0 erased" in run_retention("--apply")
    Family.objects.filter(pk=departed.pk).update(
        left_on=timezone.localdate() - datetime.timedelta(days=366)
    )
    assert "foyers-partis: 1 to erase" in run_retention()
    assert "foyers-partis: 1 erased" in run_retention("--apply")
    departed.refresh_from_db()
    assert departed.anonymised_at is not None


def test_an_inactive_household_is_closed(family, parent, other_family, other_parent, settings):
    settings.RETENTION_INACTIVE_ACCOUNT_YEARS = 3
    long_ago = timezone.now() - datetime.timedelta(days=365 * 3 + 10)
    for household, login in ((family, parent), (other_family, other_parent)):
        Family.objects.filter(pk=household.pk).update(created_at=long_ago)
        User.objects.filter(pk=login.pk).update(date_joined=long_ago, last_login=long_ago)
    User.objects.filter(pk=other_parent.pk).update(last_login=timezone.now())
    assert "comptes-inactifs: 1 erased" in run_retention("--apply")
    family.refresh_from_db()
    parent.refresh_from_db()
    assert not family.is_active and family.left_on == timezone.localdate()
    assert not parent.is_active
    assert Family.objects.get(pk=other_family.pk).is_active


def test_documents_go_sooner_than_the_records(
    departed, settings, family, django_capture_on_commit_callbacks
):
    """Identity and health documents: erased RETENTION_DOCUMENTS_AFTER_LEAVING_DAYS after the
    household left, its other records staying until RETENTION_DEPARTED_FAMILY_YEARS."""
    settings.RETENTION_DOCUMENTS_AFTER_LEAVING_DAYS = 90
    active_document = Submission.objects.create(
        family=family, document_type=make_type("Assurance"), file="documents/submissions/a.pdf"
    )
    stored = Submission.objects.get(family=departed).file.name
    Family.objects.filter(pk=departed.pk).update(
        left_on=timezone.localdate() - datetime.timedelta(days=89)
    )
    assert "documents: 0 erased" in run_retention("--apply")
    Family.objects.filter(pk=departed.pk).update(
        left_on=timezone.localdate() - datetime.timedelta(days=91)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert "documents: 1 erased" in run_retention("--apply")
    assert not Submission.objects.filter(family=departed).exists()
    assert not default_storage.exists(stored)
    assert Submission.objects.filter(pk=active_document.pk).exists()
    departed.refresh_from_db()
    assert departed.anonymised_at is None and departed.name == "Dubreuil-Saintange"
