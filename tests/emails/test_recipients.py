"""One rule says who receives a household's emails, whoever triggered them."""

import pytest
from django.core import mail
from django.utils import timezone

from contact.models import Thread
from contact.services import staff_answer
from espace_famille.emails import family_recipients, render
from tests.factories import make_parent

pytestmark = pytest.mark.django_db


def test_the_household_address_then_its_active_logins_without_duplicates(family, parent):
    make_parent(family, "Famille-Test@Example.org")  # the household's address again
    former = make_parent(family, "ancien@example.org")
    former.is_active = False
    former.save(update_fields=["is_active"])
    assert family_recipients(family) == ["famille-test@example.org", "parent@example.org"]


def test_a_staff_author_is_never_copied(family, parent, staff, django_capture_on_commit_callbacks):
    thread = Thread.objects.create(
        family=family, subject="Question", created_by=staff, last_message_at=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=True):
        staff_answer(thread=thread, user=staff, body="Réponse")
    (message,) = mail.outbox
    assert message.to == ["famille-test@example.org", "parent@example.org"]


def test_a_subject_stays_on_one_line_whatever_the_data(family):
    thread = Thread(pk=1, family=family, subject="Bonjour\r\nBcc: pirate@example.org")
    email = render("contact_answer", {"thread": thread, "message": None, "family": family})
    assert "\n" not in email.subject and "\r" not in email.subject
    assert email.subject.endswith("Bonjour Bcc: pirate@example.org")
