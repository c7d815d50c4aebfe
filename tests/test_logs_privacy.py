"""Personal data never reaches the logs: names, emails, IBANs, health records.

The main journeys run with every logger at DEBUG; each captured record (message, arguments,
exception text) is scanned for the household's personal data.
"""

import io
import logging
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.views.debug import get_exception_reporter_class

from tests import journeys
from tests.factories import make_family

pytestmark = pytest.mark.django_db
IBAN_LIKE = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){3,7}(?:\s?[A-Z0-9]{1,4})?\b")


def _record_text(record: logging.LogRecord) -> str:
    parts = [record.getMessage()]
    if record.exc_info:
        parts.append(logging.Formatter().formatException(record.exc_info))
    if record.exc_text:
        parts.append(record.exc_text)
    if record.stack_info:
        parts.append(record.stack_info)
    return "\n".join(parts)


def _personal_data(family, parent, lea) -> list[str]:
    values = [
        parent.email,
        family.email,
        family.name,
        lea.first_name,
        journeys.ALLERGIES,
        "arachides",
        journeys.DIET,
        journeys.DOCTOR,
        journeys.IBAN,
    ]
    return [value for value in values if value]


def _broken(*, family, user, subject, body, **kwargs):
    raise RuntimeError("the message could not be stored")


def test_the_main_journeys_log_no_personal_data(
    caplog, monkeypatch, family, parent, lea, django_capture_on_commit_callbacks
):
    prepared = journeys.prepare(family, parent, lea)
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        journeys.drive(Client(), parent, lea, prepared)
    client = Client(raise_request_exception=False)
    client.force_login(parent)
    # Another family's child: a 404, logged by django.request with its path.
    stranger = make_family("ETRANGER", "etranger@example.org", ("Zoé",)).members.last()
    assert client.get(reverse("famille:member", args=[stranger.pk])).status_code == 404
    # A server error while a message full of personal data is posted: the error report.
    monkeypatch.setattr("contact.views.thread_create", _broken)
    body = f"{lea.first_name} : {journeys.ALLERGIES}, IBAN {journeys.IBAN}, {parent.email}"
    response = client.post(reverse("contact:index"), {"subject": family.name, "body": body})
    assert response.status_code == 500
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors and errors[-1].name == "django.request"
    assert any(r.levelno == logging.WARNING and r.name == "django.request" for r in caplog.records)
    leaks = []
    for record in caplog.records:
        text = _record_text(record)
        request = getattr(record, "request", None)
        if record.exc_info and request is not None:
            # What AdminEmailHandler would mail to ADMINS: the full error report.
            reporter = get_exception_reporter_class(request)
            text += reporter(request, *record.exc_info, is_email=True).get_traceback_text()
        lowered = text.lower()
        for value in _personal_data(family, parent, lea):
            if value.lower() in lowered:
                at = lowered.index(value.lower())
                leaks.append(f"{record.name}: {value!r} in …{text[at - 80 : at + 40]!r}")
        if IBAN_LIKE.search(text):
            leaks.append(f"{record.name}: IBAN-like string in {text[:200]!r}")
    assert leaks == []


def test_console_lines_mask_emails_and_ibans_even_in_exceptions(settings):
    from espace_famille.logs import RedactPersonalData

    assert settings.LOGGING["handlers"]["console"]["filters"] == ["private"]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactPersonalData())
    logger = logging.getLogger("tests.private")
    logger.addHandler(handler)
    try:
        logger.warning("invitation for %s failed", "jeanne.dupont@example.org")
        try:
            raise ValueError(
                "Key (email)=(jeanne.dupont@example.org) exists; "
                "IBAN FR76 3000 6000 0112 3456 7890 189"
            )
        except ValueError:
            logger.exception("could not save")
    finally:
        logger.removeHandler(handler)
    written = stream.getvalue()
    assert "could not save" in written and "ValueError" in written
    assert "jeanne.dupont" not in written
    assert "FR76" not in written and "3000 6000" not in written
    assert "[e-mail]" in written and "[iban]" in written
