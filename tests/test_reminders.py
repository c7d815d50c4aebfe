"""Reminder emails: each event once, one email per household per day, each kind turned off by
the structure or by the household, through the one email path."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from documents.models import Submission
from espace_famille.models import AuditEvent, EmailDelivery, SentReminder, Structure
from espace_famille.registry import reminder_kinds
from espace_famille.reminders import reminders_send
from famille.audit_kinds import FamilyEvent
from inscriptions.models import Activity, Unit
from reservations.campaigns.models import Campaign
from reservations.models import Opening
from tests.factories import (
    book,
    child,
    enrol,
    issue,
    make_submission,
    make_type,
    share_child,
)
from tests.helpers import in_threads

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(family):
    return issue(family, "42.50")


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    def run(today):
        with django_capture_on_commit_callbacks(execute=True):
            return reminders_send(today=today)

    return run


def test_the_kinds_are_contributed_by_the_apps_in_order(db):
    assert [kind.key for kind in reminder_kinds] == [
        "facture-echeance",
        "facture-retard",
        "document-expire-bientot",
        "document-expire",
        "campagne-ouverture",
        "campagne-cloture",
        "semaine-sans-reservation",
    ]
    assert [kind.key for kind in reminder_kinds if not kind.default_on] == [
        "semaine-sans-reservation"
    ]


def test_an_invoice_due_soon_is_reminded_once(family, parent, invoice, send, settings):
    today = invoice.due_date - datetime.timedelta(days=3)
    run = send(today)
    assert (run.emails, run.reminders) == (1, 1)
    (message,) = mail.outbox
    assert message.to == ["famille-test@example.org", "parent@example.org"]
    assert f"Facture {invoice.number} : 42,50\xa0€ à régler avant le" in message.body
    assert f"{settings.SITE_URL}/factures/" in message.body
    assert f"{settings.SITE_URL}/famille/#rappels" in message.body
    # Run again the same day, the next day, after a restart: nothing more.
    assert send(today).emails == 0
    assert send(today + datetime.timedelta(days=1)).emails == 0
    assert len(mail.outbox) == 1
    assert SentReminder.objects.filter(family=family).count() == 1
    assert AuditEvent.objects.filter(kind="reminders_sent", family=family).count() == 1


def test_too_early_or_settled_invoices_are_not_reminded(invoice, send):
    assert send(invoice.due_date - datetime.timedelta(days=6)).emails == 0  # 5 days by default
    assert mail.outbox == []


def test_an_overdue_invoice_is_reminded(invoice, send):
    send(invoice.due_date + datetime.timedelta(days=2))
    (message,) = mail.outbox
    assert f"Facture {invoice.number} : 42,50\xa0€ restent dus depuis le" in message.body


def test_a_households_reminders_of_the_day_come_in_one_email(family, invoice, send):
    today = invoice.due_date - datetime.timedelta(days=1)
    vaccination = make_type("Carnet de vaccination")
    make_submission(
        family,
        vaccination,
        child(family, "Léa"),
        status=Submission.Status.ACCEPTED,
        valid_until=today + datetime.timedelta(days=20),
    )
    make_submission(
        family,
        vaccination,
        child(family, "Hugo"),
        status=Submission.Status.ACCEPTED,
        valid_until=today - datetime.timedelta(days=2),
    )
    run = send(today)
    assert (run.emails, run.reminders) == (1, 3)
    (message,) = mail.outbox
    assert "Léa : Carnet de vaccination expire le" in message.body
    assert "Hugo : Carnet de vaccination a expiré le" in message.body
    assert "à régler avant le" in message.body
    assert message.subject.startswith("3 rappels de votre Espace famille")
    html = message.alternatives[0][0]
    assert html.count("<li>") == 3


def test_a_new_event_after_todays_email_waits_for_the_next_day(family, invoice, send):
    today = invoice.due_date - datetime.timedelta(days=3)
    send(today)
    make_submission(
        family,
        make_type("Assurance", scope="family"),
        status=Submission.Status.ACCEPTED,
        valid_until=today + datetime.timedelta(days=10),
    )
    assert send(today).emails == 0
    assert send(today + datetime.timedelta(days=1)).reminders == 1
    assert len(mail.outbox) == 2
    assert "Le foyer : Assurance expire le" in mail.outbox[1].body


def test_the_structure_turns_a_kind_off(structure, invoice, send):
    structure.reminders_off = ["facture-echeance"]
    structure.save()
    assert send(invoice.due_date - datetime.timedelta(days=3)).emails == 0
    structure.reminders_off = []
    structure.save()
    assert send(invoice.due_date - datetime.timedelta(days=3)).emails == 1


def test_the_household_turns_a_kind_off_in_ma_famille(parent_client, family, invoice, send):
    page = parent_client.get("/famille/").content.decode()
    assert '<h2 id="rappels">Rappels par e-mail</h2>' in page
    assert "Une facture arrive à échéance" in page
    response = parent_client.post(
        "/famille/rappels/",
        {"rappels-facture-retard": "on", "rappels-document-expire": "on"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/famille/#rappels"
    family.refresh_from_db()
    assert family.reminder_choices["facture-echeance"] is False
    assert family.reminder_choices["facture-retard"] is True
    assert AuditEvent.objects.filter(kind=FamilyEvent.REMINDERS_CHOSEN, family=family).count() == 1
    assert send(invoice.due_date - datetime.timedelta(days=3)).emails == 0
    assert send(invoice.due_date + datetime.timedelta(days=1)).emails == 1


def test_a_kind_turned_off_by_the_structure_is_not_offered_in_ma_famille(parent_client, structure):
    structure.reminders_off = ["facture-echeance"]
    structure.save()
    page = parent_client.get("/famille/").content.decode()
    assert "Une facture arrive à échéance" not in page
    assert "Une facture est en retard" in page


def test_another_household_never_receives_this_ones_reminders(
    family, other_family, other_parent, invoice, send
):
    send(invoice.due_date - datetime.timedelta(days=3))
    (message,) = mail.outbox
    assert "autre@example.org" not in message.to
    assert "famille-autre@example.org" not in message.to


@pytest.fixture
def wednesday_morning():
    """A Wednesday at 8:00 in Paris: next week's booking deadlines are still ahead."""
    from zoneinfo import ZoneInfo

    import time_machine

    moment = datetime.datetime(2026, 11, 25, 8, 0, tzinfo=ZoneInfo("Europe/Paris"))
    with time_machine.travel(moment, tick=False):
        yield


@pytest.fixture
def open_week(family, wednesday_morning):
    """Léa enrolled in an activity open every day of next week."""
    today = timezone.localdate()
    activity = Activity.objects.create(
        name="Accueil de loisirs",
        start_date=today - datetime.timedelta(days=30),
        end_date=today + datetime.timedelta(days=200),
    )
    unit = Unit.objects.create(activity=activity, name="Journée", weekdays="12345")
    enrol(child(family, "Léa"), activity)
    monday = today + datetime.timedelta(days=7 - today.weekday())
    for offset in range(5):
        Opening.objects.create(unit=unit, date=monday + datetime.timedelta(days=offset), capacity=9)
    return activity


def test_a_week_with_nothing_booked_is_opt_in(family, open_week, send):
    today = timezone.localdate()
    assert send(today).emails == 0
    family.reminder_choices = {"semaine-sans-reservation": True}
    family.save()
    send(today)
    (message,) = mail.outbox
    assert "Léa : rien de réservé pour la semaine du" in message.body
    assert "Accueil de loisirs" in message.body
    assert "Hugo" not in message.body


def test_a_campaign_opening_and_closing_reach_the_enrolled_households(
    family, other_family, open_week, send
):
    now = timezone.now()
    campaign = Campaign.objects.create(
        name="Vacances d'hiver",
        start_date=timezone.localdate() + datetime.timedelta(days=60),
        end_date=timezone.localdate() + datetime.timedelta(days=65),
        requests_open_at=now - datetime.timedelta(hours=2),
        requests_close_at=now + datetime.timedelta(days=1),
        results_at=now + datetime.timedelta(days=3),
    )
    campaign.activities.add(open_week)
    run = send(timezone.localdate())
    assert (run.emails, run.reminders) == (1, 2)
    (message,) = mail.outbox
    assert "Vacances d'hiver : les demandes sont ouvertes jusqu'au" in message.body
    assert "Vacances d'hiver : les demandes ferment le" in message.body
    assert "famille-autre@example.org" not in message.to


# Shared custody (garde alternée): each household is reminded of its own children and bookings.


def _emails_to(address: str) -> list[str]:
    return [message.body for message in mail.outbox if address in message.to]


@pytest.mark.parametrize("booked_by", ["main", "second"])
def test_a_shared_childs_week_is_reminded_to_the_household_that_booked_nothing(
    family, other_family, open_week, send, booked_by
):
    lea = child(family, "Léa")
    share_child(lea, other_family)
    for household in (family, other_family):
        household.reminder_choices = {"semaine-sans-reservation": True}
        household.save()
    booker, idle = (family, other_family) if booked_by == "main" else (other_family, family)
    monday = Opening.objects.filter(unit__activity=open_week).order_by("date").first()
    book(lea, monday.unit, monday.date, family=booker)
    send(timezone.localdate())
    assert _emails_to(booker.email) == []
    (body,) = _emails_to(idle.email)
    assert "Léa : rien de réservé pour la semaine du" in body


def test_a_campaign_reaches_the_second_household_of_a_shared_child(
    family, other_family, open_week, send
):
    share_child(child(family, "Léa"), other_family)
    now = timezone.now()
    campaign = Campaign.objects.create(
        name="Vacances d'hiver",
        start_date=timezone.localdate() + datetime.timedelta(days=60),
        end_date=timezone.localdate() + datetime.timedelta(days=65),
        requests_open_at=now - datetime.timedelta(hours=2),
        requests_close_at=now + datetime.timedelta(days=3),
        results_at=now + datetime.timedelta(days=5),
    )
    campaign.activities.add(open_week)
    run = send(timezone.localdate())
    assert (run.emails, run.reminders) == (2, 2)
    for household in (family, other_family):
        (body,) = _emails_to(household.email)
        assert "Vacances d'hiver : les demandes sont ouvertes jusqu'au" in body


def test_a_shared_childs_expiring_document_is_reminded_to_both_households(
    family, other_family, send
):
    today = datetime.date(2026, 11, 25)
    lea = child(family, "Léa")
    share_child(lea, other_family)
    make_submission(
        other_family,
        make_type("Certificat médical", scope="member"),
        lea,
        status=Submission.Status.ACCEPTED,
        valid_until=today + datetime.timedelta(days=10),
    )
    make_submission(  # a household's own document: that household only
        other_family,
        make_type("Attestation d'assurance", scope="family"),
        status=Submission.Status.ACCEPTED,
        valid_until=today + datetime.timedelta(days=10),
    )
    run = send(today)
    assert (run.emails, run.reminders) == (2, 3)
    (main,) = _emails_to(family.email)
    (second,) = _emails_to(other_family.email)
    assert "Léa : Certificat médical expire le" in main
    assert "Léa : Certificat médical expire le" in second
    assert "Attestation d'assurance" not in main
    assert "Attestation d'assurance" in second


def test_the_command_sends_and_says_what_it_did(
    invoice, structure, capsys, django_capture_on_commit_callbacks
):
    import time_machine

    morning = datetime.datetime.combine(
        invoice.due_date - datetime.timedelta(days=2), datetime.time(8)
    )
    with (
        time_machine.travel(timezone.make_aware(morning)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("send_reminders")
    assert "1 email(s), 1 reminder(s) sent" in capsys.readouterr().out
    assert EmailDelivery.objects.filter(template="reminders").count() == 1


def test_english_templates_exist_for_every_string(family, invoice, send, settings):
    settings.LANGUAGE_CODE = "en"
    send(invoice.due_date - datetime.timedelta(days=3))
    (message,) = mail.outbox
    assert message.subject.startswith("A reminder from your Family Portal")
    assert "Here is what awaits you on your Family Portal:" in message.body


@pytest.mark.django_db(transaction=True)
@pytest.mark.concurrency
def test_two_runs_at_once_send_once(structure, family, parent):
    invoice = issue(family, "42.50")
    today = invoice.due_date - datetime.timedelta(days=3)
    errors = in_threads(2, lambda index: reminders_send(today=today))
    assert errors == []
    assert SentReminder.objects.count() == 1
    assert EmailDelivery.objects.filter(template="reminders").count() == 1
    assert Structure.objects.count() == 1
