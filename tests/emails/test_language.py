"""Family emails are written in the family's language, whatever the staff member's interface."""

import pytest
from django.conf import settings
from django.core import mail

from inscriptions.models import Enrolment
from inscriptions.services import enrolment_request

pytestmark = pytest.mark.django_db


def test_english_staff_accepting_an_enrolment_emails_the_family_in_french(
    staff_client, parent, lea, open_activity, django_capture_on_commit_callbacks
):
    lea.first_name = "D'Artagnan"
    lea.save(update_fields=["first_name"])
    open_activity.name = "Arts & Jeux"
    open_activity.save(update_fields=["name"])
    enrolment = enrolment_request(member=lea, activity=open_activity, user=parent)
    staff_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            "/admin/inscriptions/enrolment/",
            {"action": "action_accept", "_selected_action": [enrolment.pk]},
        )

    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACCEPTED
    (message,) = mail.outbox
    assert message.subject == "Inscription acceptée : D'Artagnan à Arts & Jeux"
    assert "La demande d'inscription de" in message.body
    assert "&#x27;" not in message.body and "&amp;" not in message.body
