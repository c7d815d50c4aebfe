"""The layout check: every portal page and the admin pages staff use most, at every width.

With the demo data, logged in as the demo family TEST (the staff pages as the demo admin), each
page is opened at each width and the check fails when:
- the page scrolls sideways, or an element sticks out of its container or scrolls inside it;
- a word is broken across two lines ("septe|mbre");
- axe-core reports a serious or critical violation.

The portal pages are enumerated from the URL resolver, so a new page is checked (or the test asks
where its parameters come from). Every page is screenshotted into the test's output folder (kept
by CI); with UPDATE_SCREENSHOTS=1 the main ones also go to docs/screenshots/ (shown in README).
Django's own admin is not checked at 360 px: its change lists are wide tables that scroll inside
their own frame by design. At 768 and 1280 px it fits thanks to static/css/admin.css (filters
above the list, no side menu, cells that wrap, links underlined) and the labelled inlines.
"""

from __future__ import annotations

import datetime
import io
import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from contact.models import Thread
from documents.models import DocumentType, Submission
from espace_famille.demo import DEMO_PASSWORD, STAFF_EMAIL
from espace_famille.models import StaffJob
from factures import services as billing
from factures.models import Invoice, Payment
from famille.models import ChangeRequest, Family
from inscriptions.models import Enrolment
from reservations.absences.services import declarable_problem
from reservations.models import AbsenceDay, Booking

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PORTAL_WIDTHS = (360, 768, 1280)
ADMIN_WIDTHS = (1280, 768)
CHECK = (Path(__file__).parent / "layout_check.js").read_text(encoding="utf-8")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# The pages shown in docs/screenshots (at 1280 and 360 px): keep the set small.
DOCUMENTED = {"dashboard", "famille", "inscriptions-lea", "planning-lea", "factures", "documents"}

PORTAL_NAMESPACES = (
    "famille",
    "inscriptions",
    "reservations",
    "factures",
    "documents",
    "documentation",
    "historique",
    "contact",
)
# Portal routes that are not pages a parent looks at: files, form targets, provider callbacks.
NOT_PAGES = {
    "famille:request_cancel": "POST only",
    "inscriptions:request": "POST only (the form is on the member's page)",
    "factures:pdf": "a PDF file",
    "factures:pay": "POST only",
    "factures:payment_cancel": "POST only",
    "factures:payment_notification": "the payment provider's callback",
    "documents:file": "a downloaded file",
    "documentation:file": "a downloaded file",
    "contact:attachment": "a downloaded file",
    "factures:attestation_fiscale": "a PDF file",
    "factures:attestation_presence": "a PDF file",
    "factures:sepa_mandate_pdf": "a PDF file",
    "factures:sepa_revoke": "POST only",
    "famille:reminders": "POST only (the form is on Ma famille)",
    "reservations:calendar_feed_renew": "POST only (the form is on Mes réservations)",
    "reservations:calendar_feed": "an iCal file for calendar apps",
    # A PayFiP or SystemPay journey under way: tests/factures/test_browser_gateways.py looks at
    # these pages at 360, 768 and 1280 px with axe, against the gateways' stub servers.
    "factures:gateway_form": "the gateway's form, sent on by itself",
    "factures:gateway_return": "the gateway's return",
    "factures:journey_next": "between two PayFiP payments",
    "factures:journey_summary": "the end of a PayFiP journey",
}


def _portal_routes() -> list[str]:
    """Names of the dashboard and of every route of the portal's menus, from the resolver."""
    names = []
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLPattern) and entry.name == "dashboard":
            names.append("dashboard")
        elif isinstance(entry, URLResolver) and entry.namespace in PORTAL_NAMESPACES:
            names += [
                f"{entry.namespace}:{pattern.name}"
                for pattern in entry.url_patterns
                if isinstance(pattern, URLPattern)
            ]
    return names


def _portal_pages(family: Family) -> tuple[list[tuple[str, str]], list[str]]:
    """(label, URL) of every portal page for the demo family, and the routes left unresolved."""
    members = {member.first_name: member for member in family.members.all()}
    lea, hugo = members["Léa"], members["Hugo"]
    first_by_role = {}
    for member in family.members.order_by("pk"):
        first_by_role.setdefault(member.role, member)
    requests = ChangeRequest.objects.filter(family=family).order_by("pk")
    payments = Payment.objects.filter(family=family).order_by("pk")
    unpaid = Invoice.objects.filter(family=family).to_pay().order_by("pk").first()
    pending = billing.payment_start(
        family=family,
        invoice_ids=[unpaid.pk],
        user=family.logins.order_by("pk").first(),
        provider="sandbox",
    )
    thread = Thread.objects.filter(family=family).order_by("pk").first()
    document_type = DocumentType.objects.order_by("pk").first()
    # Justified absences: the demo's declaration under review, and a day still to declare.
    reviewed = AbsenceDay.objects.filter(booking__member__family=family).first()
    recent = Booking.objects.filter(
        member__family=family, status="booked", absence__isnull=True
    ).select_related("opening__unit__activity")
    declarable = next(
        b
        for b in recent.filter(opening__date__lte=timezone.localdate()).order_by("-opening__date")
        if declarable_problem(b, timezone.now()) is None
    )
    in_two_weeks = timezone.localdate() + datetime.timedelta(days=14)
    bookable = in_two_weeks - datetime.timedelta(days=in_two_weeks.weekday())  # its Monday
    pages = {
        "dashboard": [("dashboard", {})],
        "famille:index": [("famille", {})],
        "famille:household": [("famille-foyer", {})],
        "famille:member": [
            (f"famille-{role}", {"pk": member.pk}) for role, member in first_by_role.items()
        ],
        "famille:member_add": [
            (f"famille-ajouter-{role}", {"role": role}) for role in ("parent", "enfant", "personne")
        ],
        "famille:deletion": [("famille-suppression", {})],
        "famille:request": [
            (f"famille-demande-{change.status}", {"pk": change.pk}) for change in requests
        ],
        "inscriptions:index": [("inscriptions", {})],
        "inscriptions:member": [
            ("inscriptions-lea", {"pk": lea.pk}),
            ("inscriptions-hugo", {"pk": hugo.pk}),
        ],
        "reservations:index": [("reservations", {})],
        "reservations:planning": [
            ("planning-lea", {"pk": lea.pk}),
            ("planning-lea-mois", {"pk": lea.pk}, "?vue=mois"),
            # A week that can still be booked: free cells with their checkboxes.
            ("planning-hugo", {"pk": hugo.pk}, f"?date={bookable:%Y-%m-%d}"),
        ],
        "reservations:typical_week": [("semaine-type", {"pk": lea.pk})],
        "reservations:absence": [
            ("absence-en-examen", {"pk": reviewed.booking_id}),
            ("absence-declarer", {"pk": declarable.pk}),
        ],
        "factures:index": [("factures", {}), ("factures-soldees", {}, "?etat=soldees")],
        "factures:attestations": [("factures-attestations", {})],
        "factures:sepa_mandate": [("factures-prelevement", {})],
        "factures:sandbox_checkout": [("paiement-sandbox", {"reference": pending.reference})],
        "factures:payment_return": [
            (f"paiement-{payment.status}", {"reference": payment.reference})
            for payment in payments
            if payment.pk != pending.pk
        ],
        "documents:index": [("documents", {})],
        "documents:upload": [("documents-envoyer", {"type_pk": document_type.pk})],
        "documentation:index": [("documentation", {})],
        "historique:index": [("historique", {}), ("historique-semaine", {}, "?periode=semaine")],
        "historique:paiements": [("historique-paiements", {})],
        "contact:index": [("contact", {})],
        "contact:thread": [("contact-conversation", {"pk": thread.pk})],
    }
    found, unresolved = [], []
    for name in _portal_routes():
        if name in NOT_PAGES:
            continue
        if not pages.get(name):
            unresolved.append(name)
            continue
        for label, kwargs, *query in pages[name]:
            found.append((label, reverse(name, kwargs=kwargs) + "".join(query)))
    return found, unresolved


def reviewed_declaration(family: Family):
    from reservations.models import AbsenceDeclaration

    return AbsenceDeclaration.objects.filter(member__family=family).first()


def _admin_pages(family: Family) -> list[tuple[str, str]]:
    """Change list and change page of what staff handle every day."""
    objects = {
        "famille_family": family,
        "famille_changerequest": ChangeRequest.objects.filter(family=family).first(),
        "inscriptions_enrolment": Enrolment.objects.filter(member__family=family).first(),
        "reservations_booking": Booking.objects.filter(member__family=family).first(),
        "reservations_absencedeclaration": reviewed_declaration(family),
        "factures_invoice": Invoice.objects.filter(family=family).first(),
        "documents_submission": Submission.objects.filter(member__family=family).last(),
    }
    pages = [("admin-accueil", reverse("admin:index"))]
    for name, obj in objects.items():
        pages.append((f"admin-{name}-liste", reverse(f"admin:{name}_changelist")))
        pages.append((f"admin-{name}", reverse(f"admin:{name}_change", args=[obj.pk])))
    # The result page of a billing run (the running page refreshes itself every 2 s).
    job = StaffJob.objects.create(
        kind="factures.billing_run",
        label="10/2026",
        state=StaffJob.State.SUCCEEDED,
        done=2,
        total=2,
        result={"summary": "2 factures émises, total 8,00 €.", "url": "/admin/factures/invoice/"},
    )
    pages.append(("admin-tache", reverse("admin:espace_famille_staffjob_progress", args=[job.pk])))
    return pages


def _screenshot(page, folder: Path, label: str, width: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{label}-{width}.png"), full_page=True)
    if os.environ.get("UPDATE_SCREENSHOTS") == "1" and label in DOCUMENTED and width != 768:
        _save_small_png(page.screenshot(full_page=True), SCREENSHOTS / f"{label}-{width}.png")


def _save_small_png(data: bytes, path: Path) -> None:
    """A 256-colour PNG: the screenshots stay small in the repository."""
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.open(io.BytesIO(data)).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def _check(page, axe: Axe) -> list[str]:
    problems = page.evaluate(CHECK)
    for violation in axe.run(page).response["violations"]:
        if violation["impact"] in ("serious", "critical"):
            problems.append(
                f"axe {violation['impact']} {violation['id']}: {violation['help']} "
                f"(x{len(violation['nodes'])})"
            )
    return problems


def _visit(page, base: str, pages, widths, folder: Path, axe: Axe) -> dict[str, list[str]]:
    found = {}
    for width in widths:
        page.set_viewport_size({"width": width, "height": 800})
        for label, url in pages:
            response = page.goto(f"{base}{url}")
            if response is None or response.status != 200:  # not a layout finding: never xfail
                pytest.fail(f"{url} answered {response and response.status}")
            _screenshot(page, folder, label, width)
            problems = _check(page, axe)
            if problems:
                found[f"{width}px {url}"] = problems[:8] + (
                    [f"... and {len(problems) - 8} more"] if len(problems) > 8 else []
                )
    return found


def _report(found: dict[str, list[str]], folder: Path) -> str:
    found = {key: value for key, value in found.items() if value}
    report = "\n".join(f"{key}\n  " + "\n  ".join(value) for key, value in sorted(found.items()))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "layout-problems.txt").write_text(report, encoding="utf-8")
    return report


def _login(page, base: str, email: str, landing: str) -> None:
    page.goto(f"{base}/accounts/login/?next={landing}")
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{base}{landing}")


@pytest.fixture
def demo_family(db):
    call_command("demo", force=True, stdout=io.StringIO())  # the demo refuses without DEBUG
    return Family.objects.get(name="TEST")


def test_every_portal_page_fits_at_every_width(
    browser, live_server, output_path, demo_family, settings
):
    # Direct debit offered, as by a structure that set its creditor identifier and account.
    settings.SEPA_CREDITOR_ID = "FR72ZZZ123456"
    settings.SEPA_CREDITOR_IBAN = "FR1420041010050500013M02606"
    settings.SEPA_CREDITOR_NAME = "Accueil de loisirs"
    portal, unresolved = _portal_pages(demo_family)
    assert unresolved == [], "portal pages with no demo object to open them with"
    assert len(portal) > 25
    axe, folder = Axe(), Path(output_path)
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    page = context.new_page()
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{live_server.url}/accounts/login/")
    _screenshot(page, folder, "connexion", 360)
    found = {"360px /accounts/login/": _check(page, axe)}
    _login(page, live_server.url, "test@example.org", "/")
    found.update(_visit(page, live_server.url, portal, PORTAL_WIDTHS, folder, axe))
    context.close()
    report = _report(found, folder)
    assert report == "", "layout problems:\n" + report


def test_staff_admin_pages_fit(browser, live_server, output_path, demo_family):
    axe, folder = Axe(), Path(output_path)
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    page = context.new_page()
    _login(page, live_server.url, STAFF_EMAIL, "/admin/")
    found = _visit(page, live_server.url, _admin_pages(demo_family), ADMIN_WIDTHS, folder, axe)
    context.close()
    report = _report(found, folder)
    assert report == "", "layout problems:\n" + report
