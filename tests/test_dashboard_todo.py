"""The dashboard's "À faire" list: what each app says the household has to do, each line a link."""

import datetime
import re

import pytest
from django.utils import timezone

from contact.models import Message, Thread
from documents.models import Submission
from famille.models import ChangeRequest
from inscriptions import todo as inscriptions_todo
from inscriptions.models import Activity, Enrolment, Unit
from tests.factories import (
    book,
    child,
    enrol,
    issue,
    make_submission,
    make_type,
    share_child,
)

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12


def todo_section(page: str) -> str:
    match = re.search(r'<section class="todo".*?</section>', page, re.S)
    assert match, "no À faire section"
    return match.group(0)


def todo_links(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<li class="todo__item"><a href="([^"]+)">([^<]+)</a></li>', page)


def dashboard(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def activity(db):
    today = timezone.localdate()
    return Activity.objects.create(
        name="Accueil du soir",
        start_date=today - datetime.timedelta(days=30),
        end_date=today + datetime.timedelta(days=200),
    )


@pytest.fixture
def unit(activity):
    return Unit.objects.create(
        activity=activity,
        name="Soir",
        weekdays="1234567",
        start_time=datetime.time(16, 30),
        end_time=datetime.time(18, 30),
    )


def test_an_empty_list_says_so_under_its_heading(parent_client):
    section = todo_section(dashboard(parent_client))
    assert '<h2 id="todo-title" class="todo__title">À faire</h2>' in section
    assert 'aria-labelledby="todo-title"' in section
    assert "Rien à faire pour le moment." in section


def test_invoices_to_pay_show_their_count_and_total_in_french(parent_client, family, other_family):
    issue(family, "100.00")
    issue(family, "40.00", "3.84")
    issue(other_family, "999.00")
    page = dashboard(parent_client)
    assert ("/factures/", "2 factures à payer : 143,84\xa0€") in todo_links(page)
    # The tile's badge says it in words too, from the same query.
    assert '<span class="tile__badge">2 factures à payer</span>' in page


def test_one_invoice_is_written_in_the_singular(parent_client, family):
    issue(family, "1234.50")
    links = todo_links(dashboard(parent_client))
    assert ("/factures/", "1 facture à payer : 1\xa0234,50\xa0€") in links


def test_documents_to_provide_and_expiring_are_listed_per_person(parent_client, family):
    vaccination = make_type("Carnet de vaccination")
    insurance = make_type("Assurance", scope="member")
    today = timezone.localdate()
    lea, hugo = child(family, "Léa"), child(family, "Hugo")
    make_submission(
        family,
        vaccination,
        lea,
        status=Submission.Status.ACCEPTED,
        valid_until=today + datetime.timedelta(days=12),
    )
    make_submission(family, insurance, lea, status=Submission.Status.ACCEPTED)
    make_submission(family, insurance, hugo, status=Submission.Status.ACCEPTED)
    # Renewed: a newer one is waiting for review, so it is not "expiring" any more.
    make_submission(
        family,
        vaccination,
        hugo,
        status=Submission.Status.ACCEPTED,
        valid_until=today + datetime.timedelta(days=5),
        uploaded_at=timezone.now() - datetime.timedelta(days=300),
    )
    make_submission(family, vaccination, hugo, status=Submission.Status.PENDING)
    links = todo_links(dashboard(parent_client))
    texts = [text for url, text in links if url == "/documents/"]
    # The parent (no login's member here) has the insurance to provide; Léa's expires.
    assert "Léa : 1 document expire dans les 30 jours" in texts
    assert not any(text.startswith("Hugo") for text in texts)
    assert not any(text.startswith("Léa : 1 document à fournir") for text in texts)


def test_a_missing_document_names_the_child(parent_client, family):
    make_type("Carnet de vaccination")
    texts = [text for url, text in todo_links(dashboard(parent_client)) if url == "/documents/"]
    # In the order of the household's members (Ma famille's order).
    assert texts == ["Hugo : 1 document à fournir", "Léa : 1 document à fournir"]


def test_decisions_not_seen_and_answers_not_read_are_listed(
    parent_client, family, parent, staff, activity
):
    ChangeRequest.objects.create(family=family, kind="family", created_by=parent, status="accepted")
    ChangeRequest.objects.create(family=family, kind="family", created_by=parent, status="pending")
    enrolment = enrol(child(family, "Léa"), activity, status=Enrolment.Status.REFUSED)
    enrolment.decided_at = timezone.now() - datetime.timedelta(days=2)
    enrolment.save()
    old = enrol(child(family, "Hugo"), activity)
    old.decided_at = timezone.now() - datetime.timedelta(days=20)
    old.save()
    thread = Thread.objects.create(
        family=family, subject="Question", created_by=parent, last_message_at=timezone.now()
    )
    Message.objects.create(thread=thread, author=staff, from_staff=True, body="Réponse")
    links = todo_links(dashboard(parent_client))
    assert ("/famille/", "1 décision sur vos demandes de modification à consulter") in links
    assert ("/inscriptions/", "Inscription de Léa à Accueil du soir refusée") in links
    assert not any("Hugo" in text for _url, text in links)  # decided 20 days ago
    assert ("/contact/", "1 réponse de la structure à lire") in links


def test_next_bookings_of_each_child_for_three_days(parent_client, family, unit):
    today = timezone.localdate()
    lea = child(family, "Léa")
    book(lea, unit, today + datetime.timedelta(days=1))
    book(lea, unit, today + datetime.timedelta(days=3))  # beyond the three days
    book(lea, unit, today, status="cancelled")
    links = todo_links(dashboard(parent_client))
    (line,) = [(url, text) for url, text in links if "Prochaines réservations" in text]
    assert line[0] == f"/reservations/membre/{lea.pk}/"
    assert line[1].startswith("Prochaines réservations de Léa : ")
    assert "Accueil du soir — Soir (16:30-18:30)" in line[1]
    assert line[1].count("Accueil du soir") == 1


def test_another_households_data_never_shows(parent_client, other_family, unit, activity):
    today = timezone.localdate()
    zoe = child(other_family, "Zoé")
    book(zoe, unit, today)
    issue(other_family, "10.00")
    make_submission(
        other_family,
        make_type("Carnet de vaccination", scope="member"),
        zoe,
        status=Submission.Status.ACCEPTED,
        valid_until=today + datetime.timedelta(days=3),
    )
    page = dashboard(parent_client)
    assert "Zoé" not in page
    assert "facture" not in todo_section(page)


def test_a_shared_childs_next_bookings_are_each_households_own(
    client,
    family,
    parent,
    other_family,
    other_parent,
    unit,
    activity,
    django_assert_max_num_queries,
):
    """Léa in shared custody: each household's list shows her, with the days it booked only."""
    today = timezone.localdate()
    lea = child(family, "Léa")
    share_child(lea, other_family)
    morning = Unit.objects.create(
        activity=activity,
        name="Matin",
        weekdays="1234567",
        start_time=datetime.time(7, 30),
        end_time=datetime.time(8, 30),
    )
    book(lea, unit, today + datetime.timedelta(days=1))  # the main household's (made before)
    book(lea, unit, today, family=family)
    book(lea, morning, today + datetime.timedelta(days=2), family=other_family)
    lines = {}
    for household, login in ((family, parent), (other_family, other_parent)):
        client.force_login(login)
        (lines[household],) = [
            (url, text)
            for url, text in todo_links(dashboard(client))
            if text.startswith("Prochaines réservations de Léa")
        ]
    assert lines[family][0] == lines[other_family][0] == f"/reservations/membre/{lea.pk}/"
    assert "Soir" in lines[family][1]
    assert "Matin" not in lines[family][1]
    assert "Matin (07:30-08:30)" in lines[other_family][1]
    assert "Soir" not in lines[other_family][1]
    _queries(client, other_parent, django_assert_max_num_queries)  # fails past MAX_QUERIES


def test_a_shared_child_is_listed_with_its_own_documents_in_both_households(
    client, family, parent, other_family, other_parent
):
    today = timezone.localdate()
    lea = child(family, "Léa")
    share_child(lea, other_family)
    make_submission(
        family,
        make_type("Certificat médical", scope="member"),
        lea,
        status=Submission.Status.ACCEPTED,
        valid_until=today + datetime.timedelta(days=5),
    )
    for login in (parent, other_parent):
        client.force_login(login)
        links = todo_links(dashboard(client))
        assert ("/documents/", "Léa : 1 document expire dans les 30 jours") in links
    assert not any("Hugo" in text for _url, text in links)  # the main household's only


def test_a_shared_childs_enrolment_decisions_show_in_both_households(
    client, family, parent, other_family, other_parent, activity
):
    """An enrolment is the child's (both households see it on Mes inscriptions): its decision
    and a request waiting are in both households' list and badge."""
    lea = child(family, "Léa")
    share_child(lea, other_family)
    enrolment = enrol(lea, activity)
    enrolment.decided_at = timezone.now() - datetime.timedelta(days=1)
    enrolment.save()
    enrol(
        lea,
        Activity.objects.create(
            name="Atelier cirque", start_date=activity.start_date, end_date=activity.end_date
        ),
        status=Enrolment.Status.REQUESTED,
    )
    for login in (parent, other_parent):
        client.force_login(login)
        page = dashboard(client)
        assert ("/inscriptions/", "Inscription de Léa à Accueil du soir acceptée") in todo_links(
            page
        )
    for household in (family, other_family):
        assert inscriptions_todo.badge(household) == 1  # the request waiting


def _queries(client, parent, django_assert_max_num_queries) -> int:
    client.force_login(parent)
    with django_assert_max_num_queries(MAX_QUERIES) as captured:
        assert client.get("/").status_code == 200
    return len(captured.captured_queries)


def test_the_dashboard_stays_flat_with_many_invoices_documents_and_bookings(
    client, parent, family, unit, activity, staff, django_assert_max_num_queries
):
    today = timezone.localdate()
    lea, hugo = child(family, "Léa"), child(family, "Hugo")
    vaccination = make_type("Carnet de vaccination")
    swimming = make_type("Certificat de natation", scope="activity", mandatory=False)
    activity.required_documents.add(swimming)
    enrol(lea, activity)
    issue(family, "10.00")
    book(lea, unit, today)
    make_submission(family, vaccination, lea, status=Submission.Status.ACCEPTED)
    ChangeRequest.objects.create(family=family, kind="family", created_by=parent, status="refused")
    one = _queries(client, parent, django_assert_max_num_queries)

    for index in range(12):
        issue(family, f"{index + 1}.50")
        other = make_type(f"Pièce {index}", scope="member")
        make_submission(
            family,
            other,
            hugo,
            status=Submission.Status.ACCEPTED,
            valid_until=today + datetime.timedelta(days=index + 1),
        )
        ChangeRequest.objects.create(
            family=family, kind="family", created_by=parent, status="accepted"
        )
    book(hugo, unit, today)
    for offset in (1, 2):
        book(lea, unit, today + datetime.timedelta(days=offset))
        book(hugo, unit, today + datetime.timedelta(days=offset))
    many = _queries(client, parent, django_assert_max_num_queries)
    assert one == many
    page = dashboard(client)
    assert "13 factures à payer" in page
    assert "Hugo : 12 documents expirent dans les 30 jours" in page
