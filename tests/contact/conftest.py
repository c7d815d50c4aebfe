"""Fixtures of the contact tests: files of each kind and a conversation of family TEST."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from contact.models import Message, Thread
from contact.services import staff_answer, thread_create


def image_bytes(fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format=fmt, **options)
    return buffer.getvalue()


PDF_BYTES = image_bytes("PDF")  # a real one-page PDF


def upload(name: str, content: bytes, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


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


def attachment_of(thread: Thread) -> Message:
    return thread.messages.exclude(attachment="").first()
