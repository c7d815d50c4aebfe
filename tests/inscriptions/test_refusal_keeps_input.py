"""A request refused (a document missing) keeps what the parent chose and typed."""

import pytest
from django.urls import reverse

from documents.models import DocumentType
from inscriptions.models import Activity, Enrolment

pytestmark = pytest.mark.django_db


def test_refused_request_keeps_the_precisions_and_the_activity(
    parent_client, lea, open_activity, today
):
    other = Activity.objects.create(
        name="Atelier cirque",
        service=Activity.Service.LOISIRS,
        start_date=open_activity.start_date,
        end_date=open_activity.end_date,
        enrolment_opens_on=open_activity.enrolment_opens_on,
        enrolment_closes_on=open_activity.enrolment_closes_on,
    )
    DocumentType.objects.create(name="Fiche sanitaire", scope="child")
    typed = "Léa arrive à 9 h 30 le mercredi, allergie aux arachides."
    response = parent_client.post(
        reverse("inscriptions:request", args=[lea.pk]),
        {"activity": open_activity.pk, "comment": typed},
    )
    assert response.status_code == 200
    assert "Demande refusée." in response.text
    assert not Enrolment.objects.exists()
    form = response.context["request_form"]
    assert not form.errors
    html = response.text
    assert "Léa arrive à 9 h 30 le mercredi, allergie aux arachides.</textarea>" in html
    assert f'<option value="{open_activity.pk}" selected>' in html
    assert f'<option value="{other.pk}">' in html
