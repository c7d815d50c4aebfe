"""Staff answer conversations from the admin; the family is told by email."""

from html import unescape

import pytest
from django.core import mail
from django.urls import reverse

from contact.models import Message, Thread
from tests.factories import PDF_BYTES, upload

pytestmark = pytest.mark.django_db


def change_url(thread):
    return reverse("admin:contact_thread_change", args=[thread.pk])


def test_the_list_shows_threads_waiting_for_an_answer(staff_client, thread, other_thread):
    url = reverse("admin:contact_thread_changelist") + "?a_traiter=oui"
    page = unescape(staff_client.get(url).content.decode())
    assert "Sortie de mercredi" in page and "Secret" in page
    assert "1 (dont 1 non lus)" in page


def test_staff_answer_inline_and_the_family_gets_an_email(
    staff_client, thread, django_capture_on_commit_callbacks
):
    page = unescape(staff_client.get(change_url(thread)).content.decode())
    assert "Faut-il un pique-nique ?" in page
    assert reverse("contact:attachment", args=[thread.messages.get().pk]) in page
    assert thread.messages.get().read_at is not None  # staff opened it
    data = {
        "status": Thread.Status.OPEN,
        "reply": "Oui, un pique-nique.",
        "reply_attachment": upload("menu.pdf", PDF_BYTES),
        "messages-TOTAL_FORMS": "1",
        "messages-INITIAL_FORMS": "1",
        "messages-MIN_NUM_FORMS": "0",
        "messages-MAX_NUM_FORMS": "1000",
        "messages-0-id": str(thread.messages.get().pk),
        "messages-0-thread": str(thread.pk),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(change_url(thread), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    thread.refresh_from_db()
    assert thread.status == Thread.Status.ANSWERED
    answer = thread.messages.get(from_staff=True)
    assert answer.body == "Oui, un pique-nique."
    assert answer.attachment_type == "application/pdf"
    [email] = mail.outbox
    assert set(email.to) == {"famille-test@example.org", "parent@example.org"}
    assert email.subject == "Réponse de la structure : Sortie de mercredi"
    assert "Oui, un pique-nique." in email.body
    assert reverse("contact:thread", args=[thread.pk]) in email.body
    assert "Oui, un pique-nique." in email.alternatives[0][0]


def test_a_bad_attachment_is_refused_in_the_admin(staff_client, thread):
    data = {
        "status": Thread.Status.OPEN,
        "reply": "Voici",
        "reply_attachment": upload("x.pdf", b"not a pdf"),
        "messages-TOTAL_FORMS": "1",
        "messages-INITIAL_FORMS": "1",
        "messages-MIN_NUM_FORMS": "0",
        "messages-MAX_NUM_FORMS": "1000",
        "messages-0-id": str(thread.messages.get().pk),
        "messages-0-thread": str(thread.pk),
    }
    response = staff_client.post(change_url(thread), data)
    assert response.status_code == 200
    assert "n'est ni un PDF, ni une photo JPEG ou PNG" in unescape(response.content.decode())
    assert not Message.objects.filter(from_staff=True).exists()


def test_closing_threads_in_bulk(staff_client, thread):
    staff_client.post(
        reverse("admin:contact_thread_changelist"),
        {"action": "action_close", "_selected_action": [thread.pk]},
    )
    thread.refresh_from_db()
    assert thread.status == Thread.Status.CLOSED


@pytest.mark.parametrize("object_id", ["abc", "999999"])
def test_an_unknown_or_non_numeric_id_redirects_like_django_does(staff_client, object_id):
    response = staff_client.get(f"/admin/contact/thread/{object_id}/change/")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
