"""Ma famille overview, the household page, adding a member and the request pages."""

import datetime
from html import unescape

import pytest
from django.urls import reverse

from famille.models import ChangeRequest, FieldPolicy, Member
from famille.selectors import unseen_decisions_count
from famille.services import change_request_create, change_request_refuse
from tests.factories import make_family, make_parent

pytestmark = pytest.mark.django_db
INDEX = reverse("famille:index")
HOUSEHOLD = reverse("famille:household")


def text(response):
    return unescape(response.content.decode())


def test_the_overview_shows_members_and_household_data(parent_client, family, lea):
    family.address = "3 allée des Tilleuls"
    family.phone = "06 12 34 56 78"
    family.payer_name = "Julien TEST"
    family.quotient_familial = 742
    family.quotient_familial_date = datetime.date(2026, 1, 15)
    family.save()
    Member.objects.filter(pk=lea.pk).update(allergies="Arachides", school_class="CE2")
    family.members.create(role="other", first_name="Monique", last_name="DURAND", can_pick_up=True)
    page = text(parent_client.get(INDEX))
    assert page.count("<h1") == 1
    for expected in (
        "3 allée des Tilleuls",
        "06 12 34 56 78",
        "famille-test@example.org",
        "Julien TEST",
        "Quotient familial",
        "742",
        "15 janvier 2026",
        "Léa TEST",
        "Hugo TEST",
        "Arachides",
        "CE2",
        "Monique DURAND",
        "Autorisé à venir chercher les enfants",
    ):
        assert expected in page, expected


def test_hidden_fields_are_not_shown_on_the_overview(parent_client, set_policy, family):
    family.quotient_familial = 742
    family.save()
    set_policy("family", "quotient_familial", FieldPolicy.Access.HIDDEN)
    set_policy("member", "allergies", FieldPolicy.Access.HIDDEN)
    page = text(parent_client.get(INDEX))
    assert "742" not in page
    assert "Allergies" not in page


def test_pending_records_and_recent_requests_are_marked(parent_client, pending_request):
    page = text(parent_client.get(INDEX))
    assert "Modification en attente de validation" in page
    assert reverse("famille:request", args=[pending_request.pk]) in page


def test_the_household_form_follows_the_policy(parent_client, family, parent):
    page = text(parent_client.get(HOUSEHOLD))
    assert 'name="address"' in page
    assert 'name="quotient_familial"' not in page  # read-only by default
    assert "Quotient familial" in page
    data = {
        "address": "5 rue Neuve",
        "postal_code": "69003",
        "city": "Lyon",
        "phone": "06 12 34 56 78",
        "phone2": "",
        "email": family.email,
        "payer_name": "",
        "quotient_familial": "9999",  # forged
        "name": "PIRATE",  # forged
    }
    response = parent_client.post(HOUSEHOLD, data, follow=True)
    assert "Modification envoyée, en attente de validation." in text(response)
    change_request = ChangeRequest.objects.get()
    assert change_request.kind == ChangeRequest.Kind.FAMILY
    fields = set(change_request.items.values_list("field_name", flat=True))
    assert fields == {"address", "postal_code", "city", "phone"}
    family.refresh_from_db()
    assert (family.name, family.address, family.quotient_familial) == ("TEST", "", None)


def test_household_errors_are_shown_next_to_their_fields(parent_client, family):
    response = parent_client.post(HOUSEHOLD, {"address": "5 rue Neuve", "email": "pas-un-mail"})
    page = text(response)
    assert response.status_code == 200
    assert "Saisissez une adresse de courriel valide." in page
    assert "Ce champ est obligatoire." in page  # city, postal code, phone
    assert 'value="5 rue Neuve"' in page
    assert not ChangeRequest.objects.exists()


def test_asking_to_add_a_child(parent_client, family):
    url = reverse("famille:member_add", args=["enfant"])
    page = text(parent_client.get(url))
    assert "Ajouter un enfant" in page and 'name="allergies"' in page
    response = parent_client.post(
        url, {"first_name": "Jules", "last_name": "TEST", "birth_date": "2026-10-01"}, follow=True
    )
    assert "Demande d'ajout envoyée, en attente de validation." in text(response)
    change_request = ChangeRequest.objects.get()
    assert change_request.kind == ChangeRequest.Kind.NEW_MEMBER
    assert change_request.new_member_role == Member.Role.CHILD
    assert not family.members.filter(first_name="Jules").exists()


def test_adding_needs_a_name_and_a_known_role(parent_client):
    url = reverse("famille:member_add", args=["enfant"])
    response = parent_client.post(url, {"first_name": "", "last_name": ""})
    assert text(response).count("Ce champ est obligatoire.") == 2
    assert parent_client.get(reverse("famille:member_add", args=["chat"])).status_code == 404


def test_the_request_page_and_withdrawal(parent_client, pending_request):
    url = reverse("famille:request", args=[pending_request.pk])
    page = text(parent_client.get(url))
    assert "Arachides" in page and "En attente de validation" in page
    cancel = reverse("famille:request_cancel", args=[pending_request.pk])
    assert parent_client.get(cancel).status_code == 405
    parent_client.post(cancel)
    pending_request.refresh_from_db()
    assert pending_request.status == ChangeRequest.Status.CANCELLED


def test_another_familys_request_answers_404(parent_client, other_family, other_parent, zoe):
    theirs = change_request_create(
        family=other_family, user=other_parent, target=zoe, values={"allergies": "x"}
    )
    assert parent_client.get(reverse("famille:request", args=[theirs.pk])).status_code == 404
    cancel = reverse("famille:request_cancel", args=[theirs.pk])
    assert parent_client.post(cancel).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == ChangeRequest.Status.PENDING


@pytest.mark.parametrize(
    "method,name,args",
    [
        ("get", "famille:index", []),
        ("get", "famille:household", []),
        ("get", "famille:member_add", ["enfant"]),
        ("get", "famille:request", [1]),
        ("post", "famille:request_cancel", [1]),  # POST only: a GET is a 405 for anybody
    ],
)
def test_anonymous_visitors_go_to_the_login_page(client, method, name, args):
    response = getattr(client, method)(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", [INDEX, HOUSEHOLD, reverse("famille:member_add", args=["enfant"])])
def test_wrong_methods_answer_405(parent_client, url):
    assert parent_client.delete(url).status_code == 405
    assert parent_client.put(url).status_code == 405
    if url == INDEX:
        assert parent_client.post(url).status_code == 405


def test_the_dashboard_badge_counts_refused_requests_until_seen(
    parent_client, pending_request, staff
):
    change_request_refuse(change_request=pending_request, user=staff, reason="Non.")
    dashboard = parent_client.get("/").content.decode()
    assert '<span class="tile__badge">1 demande refusée à consulter</span>' in dashboard
    parent_client.get(INDEX)
    assert (
        '<span class="tile__badge">'
        not in parent_client.get("/").content.decode().split("Mes inscriptions")[0]
    )


def _grow(n: int) -> None:
    for i in range(n):
        other = make_family(f"F{i}", f"f{i}@example.org", ("A", "B"))
        parent = make_parent(other, f"p{i}@example.org")
        child = other.members.get(first_name="A")
        change_request_create(family=other, user=parent, target=child, values={"school": "X"})
        other.members.create(role="other", first_name="O", last_name="P", can_pick_up=True)


def _queries(client, url, django_assert_max_num_queries) -> int:
    with django_assert_max_num_queries(12) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_page_queries_are_bounded_and_flat(
    parent_client, family, parent, lea, hugo, django_assert_max_num_queries
):
    family.members.create(role="other", first_name="Mo", last_name="D", can_pick_up=True)
    first = change_request_create(family=family, user=parent, target=lea, values={"school": "E"})
    urls = [
        INDEX,
        HOUSEHOLD,
        reverse("famille:member", args=[lea.pk]),
        reverse("famille:member_add", args=["enfant"]),
        reverse("famille:request", args=[first.pk]),
    ]
    before = [_queries(parent_client, url, django_assert_max_num_queries) for url in urls]
    _grow(20)
    for i in range(15):  # our own history grows too
        change_request_create(
            family=family, user=parent, target=hugo, values={"school_class": f"C{i}"}
        )
        change_request_create(family=family, user=parent, target=family, values={"city": f"V{i}"})
    after = [_queries(parent_client, url, django_assert_max_num_queries) for url in urls]
    assert before == after


def test_an_old_refusal_behind_many_newer_requests_is_seen_when_the_page_opens(
    parent_client, family, parent, hugo, pending_request, staff
):
    change_request_refuse(change_request=pending_request, user=staff, reason="Non.")
    for i in range(11):  # the refusal is no longer among the 10 listed requests
        change_request_create(
            family=family, user=parent, target=hugo, values={"school_class": f"C{i}"}
        )
    assert unseen_decisions_count(family) == 1

    assert parent_client.get(INDEX).status_code == 200

    assert unseen_decisions_count(family) == 0
    pending_request.refresh_from_db()
    assert pending_request.family_seen_at is not None
