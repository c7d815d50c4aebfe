"""Every endpoint a visitor reaches without logging in, fed malformed headers and bodies.

Webhooks and payment notifications, login, password reset, invitation links, the language
switch…: the list is every route of the URL resolver that does not send an anonymous visitor
to the login page. Whatever comes in: never a 500.
"""

from __future__ import annotations

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factures.payments import provider_names
from tests.fuzz.support import NASTY_TEXT, all_routes, concrete_urls

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)

HEADER_VALUES = st.one_of(
    st.sampled_from(
        [
            "",
            "t=1,v1=deadbeef",
            "t=abc,v1=",
            "t=1,v1=é",  # non-ASCII
            "t=99999999999999999999,v1=00",
            "\x00",
            "a" * 8000,
            "multipart/form-data; boundary=",
            "application/json; charset=unknown-8",
            "text/plain; charset=utf-16",
        ]
    ),
    # WSGI hands header values over as latin-1: nothing above U+00FF can arrive.
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0xFF), max_size=40),
)
HEADERS = st.fixed_dictionaries(
    {},
    optional={
        "HTTP_STRIPE_SIGNATURE": HEADER_VALUES,
        "HTTP_X_FORWARDED_FOR": HEADER_VALUES,
        "HTTP_ACCEPT_LANGUAGE": HEADER_VALUES,
        "HTTP_COOKIE": HEADER_VALUES,
        "HTTP_REFERER": HEADER_VALUES,
        "HTTP_HX_REQUEST": HEADER_VALUES,
    },
)
BODIES = st.one_of(
    st.binary(max_size=300),
    st.sampled_from(
        [
            b"",
            b"{",
            b'{"type": "checkout.session.completed", "data": {"object": null}}',
            b'{"id": 1, "type": [], "data": "x"}',
            b"[" * 2000,
            b'"\\ud800"',
            b"\xff\xfe\x00\x00",
            b"email=%FF&password=%00&login=" + b"a" * 3000,
        ]
    ),
    st.sampled_from(NASTY_TEXT).map(lambda s: s.encode("utf-8", "surrogatepass")),
)
CONTENT_TYPES = st.sampled_from(
    [
        "application/json",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=zz",
        "multipart/form-data",
        "text/plain; charset=latin-1",
        "application/octet-stream",
        "application/x-www-form-urlencoded; charset=unknown-8",
        "application/json; charset=utf-16",
    ]
)


def _anonymous_endpoints(client, parent) -> list[str]:
    invitation_key = default_token_generator.make_token(parent)
    candidates = {
        "provider": [*provider_names(), "inconnu"],
        "uidb36": [user_pk_to_url_str(parent), "zz"],
        "key": [invitation_key, "x-y-z"],
        "reference": ["INCONNUE"],
        "pk": ["1"],
        "type_pk": ["1"],
        "role": ["child"],
    }
    urls = []
    for route in all_routes():
        for url in concrete_urls(route, candidates):
            response = client.get(url)
            if response.status_code in (302, 303) and "/accounts/login/" in response["Location"]:
                continue  # asks for a login: the portal fuzz covers it
            urls.append(url)
    return urls


def test_every_unauthenticated_endpoint_survives_malformed_requests(client, parent, settings):
    settings.PAYMENT_PROVIDER = "stripe"  # the Stripe webhook checks signatures
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test"
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    urls = _anonymous_endpoints(client, parent)
    expected = {"/accounts/login/", "/accounts/password/reset/", "/healthz", "/i18n/setlang/"}
    assert expected <= set(urls), urls
    assert any(u.startswith("/factures/notifications/stripe") for u in urls), urls
    assert any(u.startswith("/accounts/password/reset/key/") for u in urls), urls

    for url in urls:
        _fuzz(client, url)


def test_stripe_webhook_refuses_a_non_ascii_signature(client, settings):
    settings.PAYMENT_PROVIDER = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test"
    for signature in ("t=1,v1=\xe9", "\xe9\xe9\xe9", "t=\xff,v1=\x00"):
        response = client.generic(
            "POST",
            "/factures/notifications/stripe/",
            b'{"id": "evt_1", "type": "checkout.session.completed"}',
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=signature,
        )
        assert response.status_code == 400, signature


def _fuzz(client, url: str) -> None:
    @FUZZ
    @given(headers=HEADERS, body=BODIES, content_type=CONTENT_TYPES)
    def fuzz(headers, body, content_type):
        client.cookies.clear()
        # generic() sends the bytes as they are, whatever charset the content type claims.
        response = client.generic("POST", url, body, content_type=content_type, **headers)
        assert response.status_code < 500, (url, headers, body[:200])
        response = client.get(url, **headers)
        assert response.status_code < 500, (url, headers)

    fuzz()
