"""A member's page: the form follows the field policy and saving only asks for a change."""

import re
from html import unescape

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from espace_famille.models import AuditEvent
from famille.audit_kinds import FamilyEvent
from famille.models import ChangeRequest, FieldPolicy, Member
from famille.services import change_request_create
from famille.values import stale_items
from tests.factories import child_post

pytestmark = pytest.mark.django_db
MEMBER = FieldPolicy.Target.MEMBER


def url(member):
    return reverse("famille:member", args=[member.pk])


def test_the_child_page_shows_the_record_the_star_and_the_button(parent_client, lea):
    page = unescape(parent_client.get(url(lea)).content.decode())
    assert page.count("<h1") == 1
    assert "Léa TEST" in page
    for label in ("École", "Classe", "Médecin traitant", "Allergies", "Régime alimentaire"):
        assert label in page
    assert "PAI (projet d'accueil individualisé)" in page
    assert "Autorisation de photographier" in page
    assert "Les champs marqués d'une étoile (*) sont obligatoires." in page
    assert '<span class="required" title="obligatoire"> *</span>' in page
    assert "Valider mes modifications" in page
    assert "data-warn-unsaved" in page
    assert "js/unsaved-changes.js" in page


def test_saving_creates_a_change_request_and_leaves_the_record(parent_client, parent, lea):
    response = parent_client.post(
        url(lea), child_post(lea, allergies="Arachides", photo_allowed=True), follow=True
    )
    assert response.redirect_chain == [(url(lea), 302)]
    page = unescape(response.content.decode())
    assert "Modification envoyée, en attente de validation." in page
    lea.refresh_from_db()
    assert lea.allergies == ""
    assert lea.photo_allowed is False
    change_request = ChangeRequest.objects.get()
    assert change_request.status == ChangeRequest.Status.PENDING
    assert change_request.created_by == parent
    assert change_request.member == lea
    items = {i.field_name: (i.old_value, i.new_value) for i in change_request.items.all()}
    assert items == {"allergies": ("", "Arachides"), "photo_allowed": ("0", "1")}
    # The page marks the pending fields and shows the value asked for.
    assert "En attente de validation" in page
    assert "Modification en attente de validation. Valeur enregistrée : —" in page
    assert "Arachides</textarea>" in page
    event = AuditEvent.objects.get(kind=FamilyEvent.CHANGE_REQUESTED)
    assert event.family == lea.family and event.user == parent


def test_submitting_the_same_values_asks_for_nothing(parent_client, lea):
    response = parent_client.post(url(lea), child_post(lea), follow=True)
    assert "Aucune nouvelle modification à envoyer." in unescape(response.content.decode())
    assert not ChangeRequest.objects.exists()


def test_a_new_value_supersedes_the_pending_one(parent_client, lea, pending_request):
    parent_client.post(url(lea), child_post(lea, allergies="Arachides, kiwi"))
    pending_request.refresh_from_db()
    assert pending_request.status == ChangeRequest.Status.CANCELLED
    latest = ChangeRequest.objects.get(status=ChangeRequest.Status.PENDING)
    assert [(i.old_value, i.new_value) for i in latest.items.all()] == [("", "Arachides, kiwi")]


@pytest.mark.parametrize("access", [FieldPolicy.Access.READONLY, FieldPolicy.Access.HIDDEN])
def test_a_forged_post_on_a_locked_field_changes_nothing(parent_client, lea, set_policy, access):
    set_policy(MEMBER, "allergies", access)
    set_policy(MEMBER, "has_pai", access)
    page = unescape(parent_client.get(url(lea)).content.decode())
    assert 'name="allergies"' not in page
    assert 'name="has_pai"' not in page
    if access == FieldPolicy.Access.HIDDEN:
        assert "Allergies" not in page
    else:
        assert "Allergies" in page  # shown as a fact, not as a field
    response = parent_client.post(url(lea), child_post(lea, allergies="Forgé", has_pai=True))
    assert response.status_code == 302
    assert not ChangeRequest.objects.exists()
    lea.refresh_from_db()
    assert lea.allergies == "" and lea.has_pai is False


def test_a_required_field_left_empty_is_refused_in_french_and_nothing_typed_is_lost(
    parent_client, lea, set_policy
):
    set_policy(MEMBER, "doctor_name", FieldPolicy.Access.EDITABLE, required=True)
    response = parent_client.post(
        url(lea),
        child_post(lea, doctor_name="", allergies="Lait", birth_date="31/02/2017", phone="12"),
    )
    assert response.status_code == 200
    page = unescape(response.content.decode())
    assert "Ce champ est obligatoire." in page
    assert "Saisissez une date valide." in page
    assert "Saisissez un numéro de téléphone valide, par exemple 06 12 34 56 78." in page
    assert "Lait</textarea>" in page  # what was typed stays
    assert 'value="12"' in page
    assert 'aria-invalid="true"' in page
    assert not ChangeRequest.objects.exists()


def test_a_birth_date_in_the_future_is_refused(parent_client, lea):
    response = parent_client.post(url(lea), child_post(lea, birth_date="2999-01-01"))
    assert "La date de naissance ne peut pas être dans le futur." in unescape(
        response.content.decode()
    )


def test_another_familys_member_answers_404(parent_client, zoe):
    assert parent_client.get(url(zoe)).status_code == 404
    assert parent_client.post(url(zoe), child_post(zoe, allergies="x")).status_code == 404
    assert not ChangeRequest.objects.exists()


def test_anonymous_goes_to_login_and_wrong_method_is_405(client, parent_client, lea):
    parent_client.logout()
    response = client.get(url(lea))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    client.force_login(lea.family.logins.get())
    assert client.delete(url(lea)).status_code == 405
    assert client.put(url(lea)).status_code == 405


def test_an_adult_has_no_child_fields(parent_client, family):
    julien = family.members.get(role="parent")
    page = unescape(parent_client.get(url(julien)).content.decode())
    assert 'name="allergies"' not in page
    # and cannot ask for them by a forged POST either
    parent_client.post(
        url(julien),
        {
            "first_name": julien.first_name,
            "last_name": julien.last_name,
            "birth_date": julien.birth_date.isoformat(),
            "allergies": "x",
        },
    )
    assert not ChangeRequest.objects.exists()


def test_a_child_page_lists_pick_up_persons_and_emergency_contacts(parent_client, family, lea):
    family.members.create(
        role="other",
        first_name="Monique",
        last_name="DURAND",
        relationship="Grand-mère",
        can_pick_up=True,
    )
    family.members.create(
        role="other", first_name="Paul", last_name="VOISIN", is_emergency_contact=True
    )
    page = unescape(parent_client.get(url(lea)).content.decode())
    pick_up = page.split("Personnes autorisées à venir chercher")[1].split("Contacts en cas")[0]
    assert "Monique DURAND" in pick_up and "Paul VOISIN" not in pick_up
    emergency = page.split("Contacts en cas d'urgence")[1]
    assert "Paul VOISIN" in emergency


def test_the_page_is_translated_into_english(parent_client, lea, request):
    request.addfinalizer(lambda: translation.activate(settings.LANGUAGE_CODE))
    parent_client.cookies["django_language"] = "en"
    page = unescape(parent_client.get(url(lea)).content.decode())
    assert "Confirm my changes" in page
    assert "Fields marked with a star (*) are required." in page
    assert "Allergies" in page and "Dietary needs" in page


def _seen_token(page: str) -> str:
    return re.search(r'name="seen" value="([^"]+)"', page).group(1)


def test_a_value_changed_by_staff_while_the_parent_typed_is_not_sent_back(parent_client, lea):
    token = _seen_token(parent_client.get(url(lea)).content.decode())
    Member.objects.filter(pk=lea.pk).update(school="École Pasteur")  # staff, meanwhile
    parent_client.post(url(lea), {**child_post(lea, allergies="Lait"), "seen": token})
    items = ChangeRequest.objects.get().items.all()
    assert [(i.field_name, i.old_value, i.new_value) for i in items] == [("allergies", "", "Lait")]


def test_a_change_made_on_a_stale_value_is_flagged_to_staff(parent_client, lea):
    token = _seen_token(parent_client.get(url(lea)).content.decode())
    Member.objects.filter(pk=lea.pk).update(school="École Pasteur")  # staff, meanwhile
    parent_client.post(url(lea), {**child_post(lea, school="École Curie"), "seen": token})
    change_request = ChangeRequest.objects.get()
    [item] = change_request.items.all()
    assert (item.old_value, item.new_value) == ("", "École Curie")
    assert stale_items(change_request) == [item]


def test_a_forged_seen_token_is_ignored(parent_client, lea):
    parent_client.post(url(lea), {**child_post(lea, allergies="Lait"), "seen": "forged:token"})
    [item] = ChangeRequest.objects.get().items.all()
    assert (item.old_value, item.new_value) == ("", "Lait")


def test_a_saved_value_shown_beside_a_pending_change_is_escaped(parent_client, parent, lea):
    payload = '<a id="pwn" href="https://evil.example">x</a>'
    Member.objects.filter(pk=lea.pk).update(allergies=payload)
    lea.refresh_from_db()
    change_request_create(
        family=lea.family, user=parent, target=lea, values={"allergies": "Arachides"}
    )

    page = parent_client.get(url(lea)).content.decode()

    assert payload not in page
    assert 'id="pwn"' not in page
    assert "Valeur enregistrée : &lt;a id=&quot;pwn&quot;" in page
