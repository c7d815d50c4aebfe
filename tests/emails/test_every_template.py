"""Every email template of the project, rendered in both languages with hostile names.

The templates are enumerated from the files (`emails/*-subject.txt` under every template
directory), so a new email cannot escape this test.
"""

import datetime
import html
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

from contact.models import Message, Thread
from documents.models import DocumentType, Submission
from espace_famille.emails import render
from espace_famille.models import Structure, User
from factures.models import Invoice, Payment
from famille.models import ChangeRequest, Family, Member
from inscriptions.models import Activity, Enrolment, Unit
from reservations.models import AbsenceDeclaration, Opening

DANGER = "D'Artagnan <b>& Zoé"
ESCAPED = html.escape(DANGER)  # D&#x27;Artagnan &lt;b&gt;&amp; Zoé


def _template_dirs() -> list[Path]:
    """Where the template loaders look: the project's directory and every app's."""
    dirs = [Path(d) for engine in settings.TEMPLATES for d in engine.get("DIRS", [])]
    return dirs + [Path(app.path) / "templates" for app in apps.get_app_configs()]


def _template_names() -> list[str]:
    found = {
        path.name.removesuffix("-subject.txt")
        for directory in _template_dirs()
        for path in directory.glob("emails/*-subject.txt")
    }
    return sorted(found)


NAMES = _template_names()


def test_the_enumeration_finds_the_templates():
    assert len(NAMES) >= 11
    assert {"inscriptions_decision", "invitation", "contact_to_staff"} <= set(NAMES)
    for name in NAMES:
        for suffix in ("-body.txt", "-body.html"):
            paths = [d / "emails" / f"{name}{suffix}" for d in _template_dirs()]
            assert any(path.exists() for path in paths), name + suffix


def _context() -> dict[str, object]:
    today = datetime.date(2026, 3, 4)
    now = datetime.datetime(2026, 3, 4, 16, 30, tzinfo=datetime.UTC)
    structure = Structure(name=DANGER, email="contact@example.org")
    family = Family(pk=1, name=DANGER, email="famille@example.org")
    member = Member(pk=2, family=family, role=Member.Role.CHILD, first_name=DANGER, last_name="X")
    user = User(pk=3, family=family, email="parent@example.org", first_name=DANGER)
    activity = Activity(pk=4, name=DANGER, start_date=today, end_date=today)
    unit = Unit(pk=5, activity=activity, name=DANGER)
    return {
        "structure": structure,
        "family": family,
        "member": member,
        "user": user,
        "link": "https://portail.example.org/accounts/password/reset/key/x-y/",
        "expires": now,
        "enrolment": Enrolment(
            pk=6,
            member=member,
            activity=activity,
            status=Enrolment.Status.ACCEPTED,
            start_date=today,
            end_date=today,
            reason=DANGER,
        ),
        "opening": Opening(pk=7, unit=unit, date=today),
        "deadline": now,
        "invoice": Invoice(
            pk=8,
            family=family,
            number="2026-000001",
            kind=Invoice.Kind.INVOICE,
            total=Decimal("12.50"),
            due_date=today,
        ),
        "payment": Payment(
            pk=9,
            family=family,
            amount=Decimal("12.50"),
            method=Payment.Method.ONLINE,
            reference="REF-1",
            confirmed_at=now,
        ),
        "invoices": [Invoice(pk=8, number="2026-000001", total=Decimal("12.50"))],
        "document_type": DocumentType(pk=10, name=DANGER),
        "submission": Submission(pk=11, family=family, valid_until=today, refusal_reason=DANGER),
        "owner": member,
        "change_request": ChangeRequest(
            pk=12, family=family, kind=ChangeRequest.Kind.FAMILY, reason=DANGER
        ),
        "accepted": True,
        "rows": [{"label": DANGER, "old": DANGER, "new": DANGER}],
        "thread": Thread(pk=13, family=family, subject=DANGER),
        "message": Message(pk=14, body=DANGER, author=user),
        "path": "/contact/conversations/13/",
        "declaration": AbsenceDeclaration(
            pk=15,
            member=member,
            family=member.family,
            activity=activity,
            first_day=today,
            last_day=today,
            reason="illness",
            status=AbsenceDeclaration.Status.REFUSED,
            refusal_reason=DANGER,
        ),
        "credited_days": 2,
        "waiting_days": 1,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("name", NAMES)
def test_every_email_renders_plain_text_subject_and_escaped_html(name):
    rendered = {language: render(name, _context(), language=language) for language in ("fr", "en")}
    for language, email in rendered.items():
        where = f"{name} ({language})"
        # Subject: plain text, one line, nothing escaped.
        assert email.subject, where
        assert "\n" not in email.subject and "\r" not in email.subject, where
        assert email.subject == email.subject.strip(), where
        for escaped in ("&#x27;", "&#39;", "&amp;", "&lt;", "&gt;", "&quot;"):
            assert escaped not in email.subject, where
            assert escaped not in email.text, where
        if "Artagnan" in email.subject:
            assert DANGER in email.subject, where
        # Text body: the names as typed.
        assert DANGER in email.text, where
        # HTML body: the names escaped, never as markup.
        assert ESCAPED in email.html, where
        assert DANGER not in email.html and "<b>&" not in email.html, where
    # Each language its own words.
    assert rendered["fr"].subject != rendered["en"].subject, name
    assert rendered["fr"].text != rendered["en"].text, name
