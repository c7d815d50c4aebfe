"""Fixtures of the contact tests: files of each kind and a conversation of family TEST."""

import pytest

from contact.models import Thread
from contact.services import staff_answer, thread_create
from tests.factories import PDF_BYTES, upload


@pytest.fixture
def thread(family, parent) -> Thread:
    return thread_create(
        family=family,
        user=parent,
        subject="Sortie de mercredi",
        body="Faut-il un pique-nique ?",
        attachment=upload("certificat.pdf", PDF_BYTES),
    )


@pytest.fixture
def answered_thread(thread, staff) -> Thread:
    staff_answer(thread=thread, user=staff, body="Oui, et une gourde.")
    thread.refresh_from_db()
    return thread


@pytest.fixture
def other_thread(other_family, other_parent) -> Thread:
    return thread_create(
        family=other_family,
        user=other_parent,
        subject="Secret",
        body="Rien à voir",
        attachment=upload("zoe.pdf", PDF_BYTES),
    )
