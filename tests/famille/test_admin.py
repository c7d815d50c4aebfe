"""Staff review change requests in the admin: list, side-by-side view, accept, refuse."""

from html import unescape

import pytest
from django.core import mail
from django.urls import reverse

from famille.models import ChangeRequest, FieldPolicy, Member
from famille.services import change_request_create

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:famille_changerequest_changelist")


def change_url(change_request):
    return reverse("admin:famille_changerequest_change", args=[change_request.pk])


def test_the_list_shows_pending_requests_with_filters(staff_client, pending_request, lea):
    page = unescape(staff_client.get(CHANGELIST + "?status__exact=pending").content.decode())
    assert "Léa TEST" in page
    assert "allergies" in page
    assert "En attente de validation" in page
    assert "Statut" in page  # the status filter
    assert staff_client.get(CHANGELIST + "?kind__exact=member").status_code == 200


def test_the_list_flags_stale_requests(staff_client, pending_request, lea):
    Member.objects.filter(pk=lea.pk).update(allergies="Lait")
    page = unescape(staff_client.get(CHANGELIST).content.decode())
    assert "⚠ Oui, à revoir" in page


def test_the_review_page_shows_old_and_new_values_side_by_side(staff_client, pending_request):
    page = unescape(staff_client.get(change_url(pending_request)).content.decode())
    assert "Valeur actuelle de la fiche" in page
    assert "Valeur au moment de la demande" in page
    assert "Nouvelle valeur demandée" in page
    assert "<strong>Arachides</strong>" in page
    assert 'name="_accept"' in page and 'name="_refuse"' in page


def test_accepting_from_the_review_page(
    staff_client, pending_request, lea, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(change_url(pending_request), {"_accept": "1", "reason": ""})
    assert response.status_code == 302
    lea.refresh_from_db()
    assert lea.allergies == "Arachides"
    assert len(mail.outbox) == 1


def test_refusing_from_the_review_page_needs_a_reason(
    staff_client, pending_request, lea, django_capture_on_commit_callbacks
):
    response = staff_client.post(change_url(pending_request), {"_refuse": "1", "reason": ""})
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.content.decode()
    pending_request.refresh_from_db()
    assert pending_request.status == ChangeRequest.Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(change_url(pending_request), {"_refuse": "1", "reason": "Non."})
    pending_request.refresh_from_db()
    assert pending_request.status == ChangeRequest.Status.REFUSED
    lea.refresh_from_db()
    assert lea.allergies == ""
    assert "Motif du refus : Non." in mail.outbox[0].body


def test_a_stale_request_is_flagged_and_cannot_be_accepted(staff_client, pending_request, lea):
    Member.objects.filter(pk=lea.pk).update(allergies="Lait")
    page = unescape(staff_client.get(change_url(pending_request)).content.decode())
    assert "la fiche a été modifiée depuis la demande" in page
    assert "⚠ modifié depuis" in page
    assert 'name="_accept"' not in page
    response = staff_client.post(change_url(pending_request), {"_accept": "1"}, follow=True)
    assert "rien n'a été appliqué" in unescape(response.content.decode())
    lea.refresh_from_db()
    assert lea.allergies == "Lait"
    pending_request.refresh_from_db()
    assert pending_request.status == ChangeRequest.Status.PENDING


def test_bulk_accept_skips_stale_requests(staff_client, family, parent, lea, hugo):
    fresh = change_request_create(family=family, user=parent, target=hugo, values={"school": "B"})
    stale = change_request_create(family=family, user=parent, target=lea, values={"school": "A"})
    Member.objects.filter(pk=lea.pk).update(school="Z")
    response = staff_client.post(
        CHANGELIST,
        {"action": "action_accept", "_selected_action": [fresh.pk, stale.pk]},
        follow=True,
    )
    page = unescape(response.content.decode())
    assert "1 demande acceptée." in page
    assert "1 demande non appliquée" in page
    fresh.refresh_from_db()
    stale.refresh_from_db()
    assert fresh.status == ChangeRequest.Status.ACCEPTED
    assert stale.status == ChangeRequest.Status.PENDING


def test_bulk_refuse_asks_for_a_reason(staff_client, pending_request):
    data = {"action": "action_refuse", "_selected_action": [pending_request.pk]}
    page = staff_client.post(CHANGELIST, data).content.decode()
    assert 'name="reason"' in page
    pending_request.refresh_from_db()
    assert pending_request.status == ChangeRequest.Status.PENDING
    staff_client.post(CHANGELIST, {**data, "reason": "Pièce justificative manquante."})
    pending_request.refresh_from_db()
    assert pending_request.status == ChangeRequest.Status.REFUSED
    assert pending_request.reason == "Pièce justificative manquante."


def test_staff_set_the_field_policy_on_one_page(staff_client):
    url = reverse("admin:famille_fieldpolicy_changelist")
    page = staff_client.get(url).content.decode()
    assert FieldPolicy.objects.filter(target="member", field_name="allergies").exists()
    assert 'name="form-0-access"' in page
    policy = FieldPolicy.objects.get(target="member", field_name="allergies")
    assert policy.access == FieldPolicy.Access.EDITABLE


def test_change_requests_cannot_be_added_or_deleted(staff_client, pending_request):
    assert staff_client.get(reverse("admin:famille_changerequest_add")).status_code == 403
    delete = reverse("admin:famille_changerequest_delete", args=[pending_request.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    assert ChangeRequest.objects.filter(pk=pending_request.pk).exists()


def test_staff_without_permission_cannot_review(client, pending_request):
    from espace_famille.models import User

    clerk = User.objects.create_user("clerk@example.org", "x", is_staff=True)
    client.force_login(clerk)
    assert client.get(change_url(pending_request)).status_code == 403
    client.post(change_url(pending_request), {"_accept": "1"})
    pending_request.refresh_from_db()
    assert pending_request.status == ChangeRequest.Status.PENDING


@pytest.mark.parametrize("object_id", ["abc", "999999"])
def test_an_unknown_or_non_numeric_id_redirects_like_django_does(staff_client, object_id):
    url = f"/admin/famille/changerequest/{object_id}/change/"
    response = staff_client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    response = staff_client.post(url, {"_accept": "1"}, follow=True)
    assert response.status_code == 200
    assert "existe pas" in unescape(response.content.decode())
