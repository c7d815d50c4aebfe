"""Staff side: activities and enrolment requests in the admin (capacity shown, decisions)."""

import datetime

from django.core import mail
from django.urls import reverse

from inscriptions.models import Activity, Enrolment


def test_changelists_load(staff_client, lea, open_activity, today):
    Enrolment.objects.create(
        member=lea, activity=open_activity, status="accepted", start_date=today, end_date=today
    )
    for name in ("activity", "enrolment", "unit"):
        response = staff_client.get(reverse(f"admin:inscriptions_{name}_changelist"))
        assert response.status_code == 200, name
    enrolments = staff_client.get(
        reverse("admin:inscriptions_enrolment_changelist"), {"decision": "toutes"}
    )
    assert "1 / 24" in enrolments.text  # accepted / capacity
    change = staff_client.get(
        reverse("admin:inscriptions_activity_change", args=[open_activity.pk])
    )
    assert "Délai de prévenance pour réserver" in change.text


def test_accept_and_refuse_actions_email_the_family(
    staff_client, parent, lea, hugo_member, open_activity, today, django_capture_on_commit_callbacks
):
    first = Enrolment.objects.create(
        member=lea, activity=open_activity, start_date=today, end_date=today
    )
    second = Enrolment.objects.create(
        member=hugo_member,
        activity=open_activity,
        start_date=today,
        end_date=today,
    )
    url = reverse("admin:inscriptions_enrolment_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url, {"action": "action_accept", "_selected_action": [first.pk]})
        # The refusal asks for its reason on an intermediate page first.
        page = staff_client.post(url, {"action": "action_refuse", "_selected_action": [second.pk]})
        assert page.status_code == 200 and 'name="reason"' in page.text
        second.refresh_from_db()
        assert second.status == "requested"
        staff_client.post(
            url,
            {
                "action": "action_refuse",
                "_selected_action": [second.pk],
                "reason": "Plus de place le mercredi.",
                "_refusal_page": "1",
            },
        )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("accepted", "refused")
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == [
        "Inscription acceptée : Léa à Accueil de loisirs du mercredi",
        "Inscription refusée : Hugo à Accueil de loisirs du mercredi",
    ]


def test_existing_enrolment_who_what_when_and_status_are_read_only(
    staff_client, lea, hugo_member, open_activity, today
):
    enrolment = Enrolment.objects.create(
        member=lea,
        activity=open_activity,
        status="accepted",
        start_date=today,
        end_date=today + datetime.timedelta(days=60),
    )
    other = Activity.objects.create(
        name="Autre activité",
        service=open_activity.service,
        start_date=today,
        end_date=today + datetime.timedelta(days=90),
    )
    url = reverse("admin:inscriptions_enrolment_change", args=[enrolment.pk])
    page = staff_client.get(url)
    assert page.status_code == 200
    for name in ("member", "activity", "start_date", "end_date", "status"):
        assert f'name="{name}' not in page.text, name
    forged = staff_client.post(
        url,
        {
            "member": hugo_member.pk,
            "activity": other.pk,
            "status": "cancelled",
            "start_date": (today + datetime.timedelta(days=1)).isoformat(),
            "end_date": (today + datetime.timedelta(days=5)).isoformat(),
            "group": "Grands",
            "reason": "",
        },
    )
    assert forged.status_code == 302
    enrolment.refresh_from_db()
    assert (enrolment.member, enrolment.activity, enrolment.status) == (
        lea,
        open_activity,
        "accepted",
    )
    assert (enrolment.start_date, enrolment.end_date) == (
        today,
        today + datetime.timedelta(days=60),
    )
    assert enrolment.group == "Grands"  # the fields left editable are still saved


def test_new_enrolment_form_keeps_who_what_when_editable(staff_client):
    page = staff_client.get(reverse("admin:inscriptions_enrolment_add"))
    for name in ("member", "activity", "start_date", "end_date"):
        assert f'name="{name}' in page.text, name


def test_bulk_refusal_of_enrolments_asks_for_the_reason_and_sends_it(
    staff_client, parent, lea, open_activity, today, django_capture_on_commit_callbacks
):
    enrolment = Enrolment.objects.create(
        member=lea, activity=open_activity, start_date=today, end_date=today
    )
    url = reverse("admin:inscriptions_enrolment_changelist")
    data = {"action": "action_refuse", "_selected_action": [enrolment.pk]}
    page = staff_client.post(url, data)
    assert page.status_code == 200
    assert "Motif du refus" in page.text and "Léa" in page.text
    # Sent empty from the intermediate page: asked again, nothing refused.
    again = staff_client.post(url, {**data, "_refusal_page": "1", "reason": "  "})
    assert again.status_code == 200 and "Ce champ est obligatoire" in again.text
    enrolment.refresh_from_db()
    assert enrolment.status == "requested"
    with django_capture_on_commit_callbacks(execute=True):
        done = staff_client.post(url, {**data, "_refusal_page": "1", "reason": "Groupe complet."})
    assert done.status_code == 302
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.reason) == ("refused", "Groupe complet.")
    assert "Groupe complet." in mail.outbox[-1].body


def test_bulk_acceptance_never_asks_for_a_reason(staff_client, lea, open_activity, today):
    enrolment = Enrolment.objects.create(
        member=lea, activity=open_activity, start_date=today, end_date=today
    )
    url = reverse("admin:inscriptions_enrolment_changelist")
    response = staff_client.post(
        url, {"action": "action_accept", "_selected_action": [enrolment.pk]}
    )
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == "accepted"
