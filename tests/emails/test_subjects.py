"""An email's subject is one line of plain text, whatever the structure's name holds."""

import pytest
from django.core import mail

from espace_famille.emails import send_templated

pytestmark = pytest.mark.django_db


def test_subjects_are_one_line_and_not_html_escaped(
    parent, structure, django_capture_on_commit_callbacks
):
    structure.name = "Centre d'animation\r\nBcc: victim@example.org"
    structure.save()
    send_templated(
        "invitation",
        to=[parent.email],
        context={"user": parent, "link": "http://testserver/x", "expires": parent.date_joined},
    )
    message = mail.outbox[0]
    assert message.subject == "Votre Espace famille — Centre d'animation Bcc: victim@example.org"
    assert "&#x27;" not in message.body
    assert "Centre d'animation" in message.body
