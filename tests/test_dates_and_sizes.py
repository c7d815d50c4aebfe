"""Dates and file sizes as a French reader expects them: "1er octobre", "12 Ko", "1,5 Mo"."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.template import Context, Template
from django.utils import timezone, translation

from documents.models import StructureDocument
from espace_famille.formatting import _day_in_words, file_size, long_date, plain_date


@pytest.mark.parametrize(
    ("value", "fmt", "expected"),
    [
        (datetime.date(2026, 10, 1), "j F Y", "1er octobre 2026"),
        (datetime.date(2026, 10, 1), "l j F", "jeudi 1er octobre"),
        (datetime.date(2026, 10, 2), "j F Y", "2 octobre 2026"),
        (datetime.date(2026, 10, 11), "j F Y", "11 octobre 2026"),
        (datetime.date(2026, 10, 1), r"\j j", "j 1er"),
    ],
)
def test_long_date_in_french(value, fmt, expected):
    with translation.override("fr"):
        assert long_date(value, fmt) == expected


def test_long_date_of_a_moment_keeps_other_letters():
    moment = datetime.datetime(2026, 10, 1, 8, 30, tzinfo=timezone.get_current_timezone())
    with translation.override("fr"):
        assert long_date(moment, "l j F à H:i") == "jeudi 1er octobre à 08:30"


def test_long_date_in_english_has_no_french_ordinal():
    with translation.override("en"):
        assert long_date(datetime.date(2026, 10, 1), "j F Y") == "1 October 2026"


def test_long_date_filter_and_empty_values():
    template = Template("{% load formatting %}{{ day|long_date }}|{{ none|long_date }}")
    with translation.override("fr"):
        html = template.render(Context({"day": datetime.date(2027, 1, 1), "none": None}))
    assert html == "1er janvier 2027|"


def test_plain_date_writes_a_day_as_djangos_date_filter():
    template = Template('{% load formatting %}{{ day|plain_date:"D j/m" }}|{{ day|date:"D j/m" }}')
    day = datetime.date(2026, 10, 1)
    with translation.override("fr"):
        assert template.render(Context({"day": day})) == "jeu 1/10|jeu 1/10"
        assert plain_date(None, "j/m") == ""


def test_remembered_days_follow_the_language_and_the_settings(settings):
    day = datetime.date(2026, 10, 1)
    with translation.override("fr"):
        assert long_date(day, "l j F") == "jeudi 1er octobre"
        assert plain_date(day, "D") == "jeu"
    with translation.override("en"):
        assert long_date(day, "l j F") == "Thursday 1 October"
        assert plain_date(day, "D") == "Thu"
    assert _day_in_words.cache_info().currsize
    settings.SHORT_DATE_FORMAT = "d.m.Y"  # any change of the settings forgets them
    assert not _day_in_words.cache_info().currsize


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        (0, "0 octet"),
        (1, "1 octet"),
        (900, "900 octets"),
        (2048, "2 Ko"),
        (1536, "1,5 Ko"),
        (5 * 1024 * 1024, "5 Mo"),
        (int(2.34 * 1024 * 1024), "2,3 Mo"),
        (3 * 1024**3, "3 Go"),
    ],
)
def test_file_size_in_french_units(size, expected):
    with translation.override("fr"):
        assert file_size(size) == expected


def test_file_size_in_english():
    with translation.override("en"):
        assert file_size(1536) == "1.5 KB"
        assert file_size(1) == "1 byte"


@pytest.mark.django_db
def test_documentation_page_says_ko(parent_client):
    data = b"%PDF-1.4 " + b"x" * 3000
    document = StructureDocument(
        title="Règlement intérieur",
        content_type="application/pdf",
        original_name="reglement.pdf",
        size=len(data),
        published_on=datetime.date(2026, 9, 1),
    )
    document.file.save("x.pdf", ContentFile(data), save=False)
    document.save()
    page = parent_client.get("/documentation/").content.decode()
    assert "2,9 Ko" in page
    assert "Kio" not in page
    assert "Publié le 1er septembre 2026" in page
