"""Every form and every POST endpoint of the portal, fed hostile values as a logged-in parent.

Routes come from the URL resolver and forms from the pages' HTML, so a new page is fuzzed without
anyone adding it here. Whatever the input: never a 500; when it is refused, the page says why in
French and the database holds exactly what it held before.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contact.models import Message, Thread
from documents.models import DocumentType, StructureDocument, Submission
from factures.models import Invoice, Payment
from famille.models import ChangeRequest, Family, Member
from reservations.models import Booking
from tests.fuzz.support import (
    ERROR_SHOWN,
    NASTY,
    Form,
    all_routes,
    changed,
    concrete_urls,
    db_counts,
    post_forms,
    value_strategy,
)

pytestmark = pytest.mark.django_db

PORTAL_MODULES = (
    "espace_famille.",
    "famille.",
    "inscriptions.",
    "reservations.",
    "factures.",
    "documents.",
    "historique.",
    "contact.",
    "allauth.",
    "django.views.i18n",
)
# Leaving the session is not bad input; the unauthenticated fuzz covers it.
NOT_AS_PARENT = {"account_logout"}
LEAVES_THE_SESSION = {"accounts/logout/"}

FUZZ = settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)

FILES = st.builds(
    SimpleUploadedFile,
    st.sampled_from(
        ["sans-extension", "a.pdf", "../../x.pdf", "é\x00.png", "x" * 300 + ".jpg", "<b>.html"]
    ),
    st.sampled_from([b"", b"%PDF-1.4\n%junk", b"\x89PNG\r\n\x1a\n\x00", b"\xff\xd8\xff" * 10]),
    st.sampled_from(["application/pdf", "image/png", "text/html", "\x00/\x00"]),
)


def _candidates(family: Family) -> dict[str, list[str]]:
    pks: set[int] = {0, 2**31 - 1}
    pks |= set(family.members.values_list("pk", flat=True))
    for model, lookup in (
        (ChangeRequest, "family"),
        (Thread, "family"),
        (Message, "thread__family"),
        (Submission, "family"),
        (Invoice, "family"),
    ):
        pks |= set(model.objects.filter(**{lookup: family}).values_list("pk", flat=True)[:3])
    # Booked days (the justified absence's page): the one under review, the latest ones.
    bookings = Booking.objects.filter(member__family=family, status="booked")
    pks |= set(bookings.filter(absence__isnull=False).values_list("pk", flat=True)[:1])
    pks |= set(
        bookings.filter(opening__date__lte=timezone.localdate(), absence__isnull=True)
        .order_by("-opening__date")
        .values_list("pk", flat=True)[:2]
    )
    pks |= set(DocumentType.objects.values_list("pk", flat=True)[:5])
    pks |= set(StructureDocument.objects.values_list("pk", flat=True)[:3])
    references = list(Payment.objects.filter(family=family).values_list("reference", flat=True))
    return {
        "pk": [str(pk) for pk in sorted(pks)],
        "type_pk": [str(pk) for pk in sorted(pks)],
        "role": [*Member.Role.values, "inconnu"],
        "reference": [*references[:2], "INCONNUE"],
        "provider": ["sandbox", "inconnu"],
    }


@dataclass
class Page:
    route: str
    url: str
    html: str  # "" when the answer is not an HTML page (a file, a PDF, a redirect)


def _pages(client, family: Family) -> list[Page]:
    """Every portal URL a parent of the family can open (not 404), from the URL resolver."""
    candidates = _candidates(family)
    pages: list[Page] = []
    for route in all_routes():
        if not route.module.startswith(PORTAL_MODULES) or route.name in NOT_AS_PARENT:
            continue
        found = 0
        for url in concrete_urls(route, candidates):
            response = client.get(url)
            if response.status_code == 404:
                continue
            html = "text/html" in response.get("Content-Type", "")
            content = response.content.decode("utf-8", "replace") if html else ""
            pages.append(Page(route.route, url, content))
            found += 1
            if found == 5:  # the parents, the children and another member of the household
                break
    return pages


def _one_per_route(pages: list[Page]) -> list[Page]:
    seen: dict[str, Page] = {}
    for page in pages:
        if page.route not in seen or (page.html and not seen[page.route].html):
            seen[page.route] = page
    return list(seen.values())


def _check(
    client, url: str, data: dict | bytes, *, content_type: str | None = None, form: bool = True
) -> int:
    """POST; never a 500; refused -> nothing stored and, for a form, a French error shown."""
    client.cookies.pop(django_settings.LANGUAGE_COOKIE_NAME, None)  # the language form sets it
    before = db_counts()
    if content_type is not None:
        response = client.post(url, data, content_type=content_type)
    else:
        response = client.post(url, data)
    assert response.status_code != 500, (url, data)
    assert "/accounts/login/" not in response.get("Location", ""), "the parent was logged out"
    if response.status_code in (301, 302, 303):
        return response.status_code  # accepted, or refused with a message on the next page
    if "attachment" in response.get("Content-Disposition", ""):
        return response.status_code  # accepted: a download (Mes données), audited
    assert not changed(before, db_counts()), (url, data)
    if form and response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
        page = response.content.decode("utf-8", "replace")
        assert 'lang="fr"' in page, url
        assert ERROR_SHOWN.search(page), ("no error shown", url, str(data)[:300])
    return response.status_code


def test_the_portal_under_hostile_input(demo_parent):
    """One test, so that the demo data and the page discovery are built once (time budget)."""
    client, family = demo_parent
    pages = _pages(client, family)
    assert len({page.route for page in pages}) >= 35, pages
    _every_form_refuses_hostile_values(client, family, pages)
    _every_post_endpoint_survives_raw_hostile_bodies(client, _one_per_route(pages))
    _hostile_query_strings_on_every_page(client, _one_per_route(pages))


def _every_form_refuses_hostile_values(client, family: Family, pages: list[Page]) -> None:
    forms: dict[tuple[str, tuple[str, ...]], Form] = {}
    for page in pages:
        for form in post_forms(page.html, page.url):
            route = resolve(form.action).route
            if route in LEAVES_THE_SESSION:
                continue
            forms.setdefault((route, tuple(sorted(form.fields))), form)
    assert len(forms) >= 15, list(forms)
    login = family.logins.get()
    for form in forms.values():
        client.force_login(login)
        _fuzz_form(client, form)


def _fuzz_form(client, form: Form) -> None:
    fields = {name: value_strategy(options) for name, options in form.fields.items()}
    files = {name: st.one_of(st.none(), FILES) for name in form.files}

    @FUZZ
    @given(values=st.fixed_dictionaries(fields), uploads=st.fixed_dictionaries(files))
    def fuzz(values, uploads):
        data = {k: v for k, v in values.items() if v}
        data.update({k: v for k, v in uploads.items() if v is not None})
        _check(client, form.action, data)

    fuzz()


def _every_post_endpoint_survives_raw_hostile_bodies(client, pages: list[Page]) -> None:
    bodies = [
        b"body=\xff\xfe\xc3\x28&subject=\xed\xa0\x80&date=\xc0\xaf",  # not UTF-8
        b"%ZZ=%ZZ&&&==&" + b"a" * 5000 + b"\x00\x01\x02",
        "sujet=é&body=\u202e".encode("latin-1", "replace"),
    ]
    urlencoded = "application/x-www-form-urlencoded"
    for page in pages:
        url = page.url
        if _check(client, url, b"", content_type=urlencoded, form=False) == 405:
            continue  # not a POST endpoint
        for body in bodies:
            _check(client, url, body, content_type=urlencoded, form=False)
        multipart = "multipart/form-data; boundary=x"
        _check(client, url, b"--x\r\nbroken", content_type=multipart, form=False)
        _check(client, url, b'{"a": [', content_type="application/json", form=False)


def _hostile_query_strings_on_every_page(client, pages: list[Page]) -> None:
    for page in pages:
        if not page.html:
            continue  # files and PDFs take no query
        for value in NASTY[::6]:
            query = {"date": value, "vue": value, "page": value, "q": value, "next": value}
            response = client.get(page.url, query)
            assert response.status_code != 500, (page.url, value)
