"""Yearly attestations: the attestation fiscale (childcare of children under 6, money received in
the year) and the attestation de paiement et de présence, for parents and staff."""

from __future__ import annotations

import datetime
import os
from decimal import Decimal
from io import BytesIO

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from espace_famille.models import Structure
from factures import services
from factures.attestations import family_year_statement, under_six_born_from
from factures.billing import billing_run
from factures.models import Invoice, InvoiceLine, Payment, Tariff
from inscriptions.models import Activity, Unit
from tests.factories import book, make_parent, make_staff
from tests.helpers import browser_login

pytestmark = pytest.mark.django_db

YEAR = 2025
NOVEMBER = datetime.date(YEAR, 11, 1)
NOVEMBER_DAYS = [datetime.date(YEAR, 11, d) for d in (5, 12, 19, 26)]


def at(year: int, month: int, day: int) -> datetime.datetime:
    return datetime.datetime(year, month, day, 10, 0, tzinfo=timezone.get_current_timezone())


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def childcare(db):
    """Périscolaire (childcare): Matin 5 €, Repas 4 € (a meal); Judo (not childcare): 7 €."""
    start = datetime.date(YEAR - 1, 9, 1)
    peri = Activity.objects.create(
        name="Périscolaire",
        service=Activity.Service.PERISCOLAIRE,
        start_date=start,
        end_date=datetime.date(YEAR + 1, 7, 6),
        childcare_tax_credit=True,
    )
    judo = Activity.objects.create(
        name="Judo",
        service=Activity.Service.OTHER,
        start_date=start,
        end_date=datetime.date(YEAR + 1, 7, 6),
    )
    units = {
        "matin": Unit.objects.create(activity=peri, name="Matin", order=1),
        "repas": Unit.objects.create(
            activity=peri, name="Repas", order=2, tax_credit_excluded=True
        ),
        "judo": Unit.objects.create(activity=judo, name="Séance", order=1),
    }
    for unit, price in (("matin", "5.00"), ("repas", "4.00"), ("judo", "7.00")):
        Tariff.objects.create(unit=units[unit], price=price, valid_from=start)
    return units


@pytest.fixture
def kids(family, lea, hugo):
    """Léa is under 6 on 1 January 2025 (born 2020); Hugo is 6 (born 2018)."""
    lea.birth_date = datetime.date(2020, 3, 1)
    lea.save(update_fields=["birth_date"])
    hugo.birth_date = datetime.date(2018, 12, 31)
    hugo.save(update_fields=["birth_date"])
    return lea, hugo


@pytest.fixture
def november_invoice(family, kids, childcare):
    """Léa: 4 mornings (20 €) and 4 meals (16 €), 1 judo (7 €); Hugo: 2 mornings (10 €)."""
    lea, hugo = kids
    for day in NOVEMBER_DAYS:
        book(lea, childcare["matin"], day)
        book(lea, childcare["repas"], day)
    book(lea, childcare["judo"], NOVEMBER_DAYS[0])
    book(lea, childcare["matin"], datetime.date(YEAR, 11, 27), status="cancelled")
    book(hugo, childcare["matin"], NOVEMBER_DAYS[0])
    book(hugo, childcare["matin"], NOVEMBER_DAYS[1])
    (invoice,) = billing_run(
        month=NOVEMBER, issued_on=datetime.date(YEAR, 12, 1), render_pdf=False
    ).invoices
    assert invoice.total == Decimal("53.00")
    return invoice


def pay(invoice: Invoice, amount: str, when: datetime.datetime, staff, method="cheque") -> Payment:
    return services.payment_record_offline(
        invoice=invoice, method=method, amount=Decimal(amount), user=staff, received_at=when
    )


def pay_online(invoice: Invoice, cents: int, when: datetime.datetime, parent) -> Payment:
    """The parent pays `cents` by card (the sandbox provider), confirmed at `when`."""
    payment = services.payment_start(
        family=invoice.family, invoice_ids=[invoice.pk], user=parent, provider="sandbox", now=when
    )
    services.payment_confirm(payment_id=payment.pk, amount_cents=cents, currency="EUR", now=when)
    payment.refresh_from_db()
    return payment


# The numbers ----------------------------------------------------------------------------------


def test_billing_marks_childcare_lines_from_activity_and_unit(november_invoice):
    lines = {
        (line.member_name.split()[0], line.label): line.childcare
        for line in InvoiceLine.objects.filter(invoice=november_invoice)
    }
    assert lines == {
        ("Léa", "Périscolaire — Matin"): True,
        ("Léa", "Périscolaire — Repas"): False,
        ("Léa", "Judo — Séance"): False,
        ("Hugo", "Périscolaire — Matin"): True,
    }


def test_fiscal_keeps_childcare_of_children_under_six_only(november_invoice, staff, kids):
    pay(november_invoice, "53.00", at(YEAR, 12, 15), staff)
    statement = family_year_statement(november_invoice.family, YEAR)
    lea, hugo = kids
    assert [(c.name, c.childcare_paid) for c in statement.eligible] == [
        (str(lea), Decimal("20.00"))
    ]
    assert statement.fiscal_total == Decimal("20.00")
    assert statement.child(hugo.pk).childcare_paid == Decimal("10.00")  # 6 on 1 January
    assert statement.child(lea.pk).other_paid == Decimal("23.00")  # meals 16 € + judo 7 €


def test_child_born_on_first_january_six_years_before_is_under_six(family, hugo):
    assert under_six_born_from(YEAR) == datetime.date(2019, 1, 1)
    hugo.birth_date = datetime.date(2019, 1, 1)
    hugo.save(update_fields=["birth_date"])
    assert family_year_statement(family, YEAR).child(hugo.pk).under_six is True


def test_only_payments_received_in_the_year_count(november_invoice, staff, kids):
    lea, _hugo = kids
    pay(november_invoice, "53.00", at(YEAR + 1, 1, 4), staff)  # paid in January of next year
    assert family_year_statement(november_invoice.family, YEAR).fiscal_total == Decimal("0.00")
    next_year = family_year_statement(november_invoice.family, YEAR + 1)
    assert next_year.child(lea.pk).childcare_paid == Decimal("20.00")


def test_partial_payments_across_two_years_are_shared_pro_rata(november_invoice, staff, kids):
    lea, hugo = kids
    pay(november_invoice, "26.50", at(YEAR, 12, 20), staff)
    pay(november_invoice, "26.50", at(YEAR + 1, 1, 8), staff, method="cash")
    this_year = family_year_statement(november_invoice.family, YEAR)
    assert this_year.child(lea.pk).childcare_paid == Decimal("10.00")
    assert this_year.child(lea.pk).other_paid == Decimal("11.50")
    assert this_year.child(hugo.pk).childcare_paid == Decimal("5.00")
    assert this_year.received_total == Decimal("26.50")
    assert family_year_statement(november_invoice.family, YEAR + 1).child(
        lea.pk
    ).childcare_paid == Decimal("10.00")


def test_credit_note_lowers_what_was_paid_for_each_line(november_invoice, staff, kids):
    lea, _hugo = kids
    services.credit_note_issue(invoice=november_invoice, amount=Decimal("5.30"), reason="Erreur")
    pay(november_invoice, "47.70", at(YEAR, 12, 15), staff)
    # 47.70 paid of 53.00: 90 % of each line; Léa's mornings 20 € -> 18 €.
    assert family_year_statement(november_invoice.family, YEAR).child(
        lea.pk
    ).childcare_paid == Decimal("18.00")


def test_money_to_refund_never_counts(november_invoice, parent, kids):
    lea, _hugo = kids
    payment = pay_online(november_invoice, 100, at(YEAR, 12, 10), parent)
    assert payment.status == Payment.Status.TO_REFUND
    assert family_year_statement(november_invoice.family, YEAR).child(
        lea.pk
    ).childcare_paid == Decimal("0.00")


def test_online_payment_counts_on_its_confirmation_day(november_invoice, parent, kids):
    lea, _hugo = kids
    pay_online(november_invoice, 5300, at(YEAR, 12, 31), parent)
    statement = family_year_statement(november_invoice.family, YEAR)
    assert statement.child(lea.pk).childcare_paid == Decimal("20.00")
    assert [p.label for p in statement.payments] == ["carte bancaire en ligne"]


def test_presence_counts_distinct_days_booked_per_activity(november_invoice, kids):
    lea, hugo = kids
    statement = family_year_statement(november_invoice.family, YEAR)
    # 4 mornings with their meals on the same days, 1 judo on one of them; a cancellation.
    assert statement.child(lea.pk).days == 4
    assert statement.child(lea.pk).activity_days == {"Judo": 1, "Périscolaire": 4}
    assert statement.child(hugo.pk).days == 2


# The parent's pages and PDFs ----------------------------------------------------------------


def test_parent_downloads_the_fiscal_attestation_pdf(parent_client, november_invoice, staff, kids):
    Structure.objects.update(siret="12345678900012")
    pay(november_invoice, "53.00", at(YEAR, 12, 15), staff)
    response = parent_client.get(reverse("factures:attestation_fiscale", args=[YEAR]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(body(response))
    assert f"Attestation fiscale {YEAR}" in text
    assert "SIRET : 12345678900012" in text
    assert "Léa TEST" in text and "20,00 €" in text
    assert "Hugo TEST" not in text  # 6 on 1 January
    assert "repas" in text.lower()  # the rule: meals excluded


def test_parent_downloads_one_childs_presence_attestation(
    parent_client, november_invoice, staff, kids
):
    lea, _hugo = kids
    pay(november_invoice, "53.00", at(YEAR, 12, 15), staff)
    url = reverse("factures:attestation_presence", args=[YEAR, lea.pk])
    text = pdf_text(body(parent_client.get(url)))
    assert f"Attestation de paiement et de présence {YEAR}" in text
    assert "Léa TEST" in text
    assert "43,00 €" in text  # 20 € mornings + 16 € meals + 7 € judo
    assert "Périscolaire" in text and "Judo" in text


def test_page_explains_the_rule_and_shows_the_year(parent_client, november_invoice, staff):
    pay(november_invoice, "53.00", at(YEAR, 12, 15), staff)
    content = parent_client.get(reverse("factures:attestations"), {"annee": YEAR}).content
    text = content.decode()
    assert f"reçues du 1er janvier au 31 décembre {YEAR}" in text
    assert "nés à partir du 1er janvier 2019" in text
    assert "20,00 €" in text
    assert reverse("factures:attestation_fiscale", args=[YEAR]) in text


def test_current_year_attestation_is_not_offered(parent_client, family):
    year = timezone.localdate().year
    response = parent_client.get(reverse("factures:attestation_fiscale", args=[year]))
    assert response.status_code == 404


def test_other_family_child_attestation_is_not_found(
    parent_client, november_invoice, other_family, zoe
):
    url = reverse("factures:attestation_presence", args=[YEAR, zoe.pk])
    assert parent_client.get(url).status_code == 404


def test_fiscal_attestation_never_shows_another_familys_payments(
    client, other_parent, november_invoice, staff
):
    pay(november_invoice, "53.00", at(YEAR, 12, 15), staff)
    client.force_login(other_parent)
    response = client.get(reverse("factures:attestation_fiscale", args=[YEAR]))
    text = pdf_text(body(response))
    assert "Famille AUTRE" in text
    assert "Léa" not in text and "TEST" not in text
    assert "Aucune somme reçue" in text


def _page_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_attestation_page_queries_are_few_and_flat(
    parent_client, family, november_invoice, staff, childcare, kids
):
    url = reverse("factures:attestations") + f"?annee={YEAR}"
    pay(november_invoice, "53.00", at(YEAR, 12, 15), staff)
    few = _page_queries(parent_client, url)
    lea, _hugo = kids
    for month in range(1, 10):
        day = datetime.date(YEAR, month, 3)
        book(lea, childcare["matin"], day)
        invoice = billing_run(
            month=day, issued_on=datetime.date(YEAR, month + 1, 1), render_pdf=False
        ).invoices[0]
        pay(invoice, str(invoice.total), at(YEAR, month + 1, 5), staff)
    many = _page_queries(parent_client, url)
    assert few <= 12
    assert many == few


def test_attestation_pdf_queries_are_flat(parent_client, november_invoice, staff, kids):
    lea, _hugo = kids
    url = reverse("factures:attestation_presence", args=[YEAR, lea.pk])
    pay(november_invoice, "20.00", at(YEAR, 12, 15), staff)
    few = _page_queries(parent_client, url)
    pay(november_invoice, "33.00", at(YEAR, 12, 16), staff, method="cash")
    assert _page_queries(parent_client, url) == few <= 12


# Staff ----------------------------------------------------------------------------------------


def test_staff_sees_the_same_numbers_in_the_admin(staff_client, november_invoice, staff):
    pay(november_invoice, "53.00", at(YEAR, 12, 15), staff)
    url = reverse("admin:factures_invoice_attestations")
    response = staff_client.get(url, {"famille": november_invoice.family_id, "annee": YEAR})
    text = response.content.decode()
    assert "Total de l'attestation fiscale : 20,00 €" in text
    assert (
        reverse(
            "admin:factures_invoice_attestation_fiscale", args=[november_invoice.family_id, YEAR]
        )
        in text
    )


def test_staff_downloads_a_familys_fiscal_attestation(staff_client, november_invoice, staff):
    pay(november_invoice, "53.00", at(YEAR, 12, 15), staff)
    url = reverse(
        "admin:factures_invoice_attestation_fiscale", args=[november_invoice.family_id, YEAR]
    )
    assert "20,00 €" in pdf_text(staff_client.get(url).content)


def test_staff_without_invoice_rights_cannot_see_attestations(client, november_invoice):
    client.force_login(make_staff("accueil@example.org", "view_family"))
    url = reverse(
        "admin:factures_invoice_attestation_fiscale", args=[november_invoice.family_id, YEAR]
    )
    assert client.get(url).status_code == 403


def test_staff_with_invoice_view_right_opens_the_attestations(client, november_invoice):
    client.force_login(make_staff("compta@example.org", "view_invoice", "view_family"))
    url = reverse("admin:factures_invoice_attestations")
    response = client.get(url, {"famille": november_invoice.family_id, "annee": YEAR})
    assert response.status_code == 200


ATTESTATION_URLS = [
    reverse("factures:attestations"),
    reverse("factures:attestation_fiscale", args=[YEAR]),
]


@pytest.mark.parametrize("url", ATTESTATION_URLS)
def test_anonymous_visitors_are_sent_to_login(client, url):
    response = client.get(url)
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("url", ATTESTATION_URLS)
def test_staff_without_family_get_403(staff_client, url):
    assert staff_client.get(url).status_code == 403


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [360, 768, 1280])
def test_paid_invoices_and_attestations_fit_and_are_accessible(
    page, live_server, family, november_invoice, staff, output_path, width
):
    """Screenshots in the test's output folder (pytest --output)."""
    pay(november_invoice, "53.00", at(YEAR, 12, 15), staff)
    parent = make_parent(family, "navigateur@example.org")
    browser_login(page, live_server.url, parent.email)
    page.set_viewport_size({"width": width, "height": 900})
    for name, path in (
        ("soldees", "/factures/?etat=soldees"),
        ("attestations", f"/factures/attestations/?annee={YEAR}"),
    ):
        page.goto(f"{live_server.url}{path}")
        page.screenshot(path=os.path.join(output_path, f"{name}-{width}px.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert Axe().run(page).violations_count == 0
    text = page.locator("main").inner_text()
    assert "20,00 €" in text and "Léa TEST" in text


def test_staff_report_childcare_flags_set_after_billing(
    staff_client, november_invoice, staff, childcare, kids
):
    lea, _hugo = kids
    peri = childcare["matin"].activity
    # Billed before the structure ticked "frais de garde": nothing on the attestation.
    Activity.objects.filter(pk=peri.pk).update(childcare_tax_credit=False)
    InvoiceLine.objects.filter(invoice=november_invoice).update(childcare=False)
    pay(november_invoice, "53.00", at(YEAR, 12, 15), staff)
    assert family_year_statement(november_invoice.family, YEAR).fiscal_total == Decimal("0.00")
    Activity.objects.filter(pk=peri.pk).update(childcare_tax_credit=True)
    response = staff_client.post(reverse("admin:factures_invoice_childcare_sync"), {"annee": YEAR})
    assert response.status_code == 302
    statement = family_year_statement(november_invoice.family, YEAR)
    assert statement.child(lea.pk).childcare_paid == Decimal("20.00")  # meals still excluded


def test_reporting_childcare_flags_needs_the_billing_right(client, november_invoice):
    client.force_login(make_staff("lecture-seule@example.org", "view_invoice"))
    response = client.post(reverse("admin:factures_invoice_childcare_sync"), {"annee": YEAR})
    assert response.status_code == 403
