"""Counts are told in words with the right plural: French says "0 inscription", "1 document".

The source strings are French; Python's gettext without a catalogue treats only 1 as singular,
so a French catalogue gives French its own rule (plural for n > 1).
"""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from documents.models import DocumentType

pytestmark = pytest.mark.django_db


def _badges(page: str) -> list[str]:
    found = re.findall(r'class="tile__badge">(.*?)</', page)
    return [re.sub(r"\s+", " ", badge).strip() for badge in found]


def test_french_plural_rule_for_zero_and_one():
    with translation.override("fr"):
        assert (
            ngettext("%(n)s inscription en cours", "%(n)s inscriptions en cours", 0) % {"n": 0}
            == "0 inscription en cours"
        )
        assert (
            ngettext("%(n)s inscription en cours", "%(n)s inscriptions en cours", 2) % {"n": 2}
            == "2 inscriptions en cours"
        )
    with translation.override("en"):
        assert (
            ngettext("%(n)s inscription en cours", "%(n)s inscriptions en cours", 0) % {"n": 0}
            == "0 current enrolments"
        )


def test_dashboard_badges_show_their_words(parent_client):
    DocumentType.objects.create(name="Attestation d'assurance", scope="family")
    page = parent_client.get(reverse("dashboard")).content.decode()
    assert _badges(page) == ["1 document à fournir"]
    assert "visually-hidden" not in page.split('class="tiles"')[1]


def test_dashboard_badges_in_english(parent_client):
    DocumentType.objects.create(name="Attestation d'assurance", scope="family")
    DocumentType.objects.create(name="Justificatif de domicile", scope="family")
    parent_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = parent_client.get(reverse("dashboard")).content.decode()
    assert _badges(page) == ["2 documents to provide"]


def test_zero_enrolments_is_singular_in_french(parent_client, lea):
    page = parent_client.get(reverse("inscriptions:index")).content.decode()
    assert "0 inscription en cours" in page
    assert "0 inscriptions en cours" not in page
