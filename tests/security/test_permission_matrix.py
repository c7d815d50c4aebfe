"""Staff roles: a permission matrix built from the admin site itself.

For every model admin registered on `admin.site` (no hand-written list of models), every action
it offers and every custom view it adds (`get_urls`), and for each staff role (Direction,
Accueil, Comptabilité) and a view-only account: what the account's rights allow answers
normally, the rest answers 403 and changes nothing.

What is "allowed" comes from the account's model permissions (`app.view_model`…), combined with
the admin's own business rules as a superuser sees them (an invoice is never edited, billed
charges are history…): an admin that forgot to check a permission fails here.
"""

from __future__ import annotations

import datetime
import importlib
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.apps import apps as django_apps
from django.contrib import admin
from django.contrib.auth import get_permission_codename
from django.contrib.auth.models import Group, Permission
from django.db.models import FileField, Model
from django.forms.models import model_to_dict
from django.test import RequestFactory
from django.urls import URLPattern, reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from documents.models import DocumentType, StructureCategory, StructureDocument, Submission
from espace_famille.models import AuditEvent, EmailDelivery, StaffJob, User
from factures import services as billing
from factures.models import (
    BillingSettings,
    ManualCharge,
    OnlinePaymentMethod,
    Payment,
    ProviderEvent,
    SepaCollection,
    SepaDebit,
    SepaMandate,
    Tariff,
)
from famille.admin import field_policies_ensure
from famille.audit_kinds import FamilyEvent
from reservations.models import (
    AbsenceDay,
    AbsenceDeclaration,
    AbsencePolicy,
    Campaign,
    CampaignRequest,
    CampaignRule,
    Closure,
    WaitingListEntry,
)
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ROLES = ["Direction", "Accueil", "Comptabilité"]
STANDARD_VIEWS = ("_changelist", "_add", "_change", "_delete", "_history")


@pytest.fixture
def staff_roles(db):
    """The groups of the data migration (recreated after a test that flushed the database)."""
    if set(Group.objects.filter(name__in=ROLES).values_list("name", flat=True)) != set(ROLES):
        migration = importlib.import_module("espace_famille.migrations.0006_staff_roles")
        migration.assign_roles(django_apps)
    return {name: Group.objects.get(name=name) for name in ROLES}


def role_account(kind: str, staff_roles) -> User:
    user = User.objects.create_user(f"{kind.lower()}@example.org", PASSWORD, is_staff=True)
    if kind == "lecture":
        user.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    else:
        user.groups.add(staff_roles[kind])
    return User.objects.get(pk=user.pk)  # fresh permission caches


@pytest.fixture
def dataset(
    staff,
    family,
    parent,
    lea,
    change_request,
    requested_enrolment,
    booking,
    thread,
    invoice,
    unit,
    activity,
):
    """One object of every model the admin shows, so that object pages have something to open."""
    document_type = DocumentType.objects.create(name="Carnet de vaccination", scope="child")
    Submission.objects.create(
        family=family,
        member=lea,
        document_type=document_type,
        file="documents/submissions/absent.pdf",
        content_type="application/pdf",
    )
    category = StructureCategory.objects.create(name="Règlement")
    StructureDocument.objects.create(
        title="Règlement intérieur",
        category=category,
        file="documents/structure/absent.pdf",
        content_type="application/pdf",
    )
    Closure.objects.create(
        name="Noël", start_date=datetime.date(2029, 12, 24), end_date=datetime.date(2029, 12, 31)
    )
    WaitingListEntry.objects.create(
        member=family.members.get(first_name="Hugo"), opening=booking.opening
    )
    campaign = Campaign.objects.create(
        name="Vacances de février",
        start_date=datetime.date(2031, 2, 17),
        end_date=datetime.date(2031, 2, 21),
        requests_open_at=timezone.now() - datetime.timedelta(days=10),
        requests_close_at=timezone.now() - datetime.timedelta(days=1),
        results_at=timezone.now() + datetime.timedelta(days=1),
    )
    CampaignRule.objects.create(campaign=campaign, rule="pai", order=1)
    CampaignRequest.objects.create(campaign=campaign, member=lea, opening=booking.opening)
    AbsencePolicy.objects.create(activity=activity, waiting_days=1)
    declaration = AbsenceDeclaration.objects.create(
        member=booking.member,
        family=booking.member.family,
        activity=activity,
        first_day=booking.opening.date,
        last_day=booking.opening.date,
        reason="illness",
        certificate="reservations/absences/absent.pdf",
        certificate_type="application/pdf",
    )
    AbsenceDay.objects.create(declaration=declaration, booking=booking)
    Tariff.objects.create(unit=unit, price=Decimal("6.25"), valid_from=datetime.date(2026, 9, 1))
    ManualCharge.objects.create(
        family=family, date=datetime.date(2026, 10, 5), label="Sortie", unit_price=Decimal(8)
    )
    BillingSettings.objects.get_or_create()
    OnlinePaymentMethod.objects.create(
        backend="systempay", label="Banque", merchant_id="12345678", key_test="Key1"
    )
    payment = billing.payment_record_offline(
        invoice=invoice, method="cheque", amount=Decimal("5.00"), user=staff, reference="CHQ 1"
    )
    ProviderEvent.objects.create(
        provider="stripe",
        event_id="evt_1",
        event_type="checkout.session.completed",
        payment=payment,
        status="done",
    )
    mandate = SepaMandate.objects.create(
        family=family,
        reference="EF-MATRIX",
        holder="Camille Test",
        iban="FR7630006000011234567890189",
        source="paper",
        signed_on=datetime.date(2026, 10, 1),
        consent_text="…",
    )
    collection = SepaCollection.objects.create(
        collection_date=datetime.date(2026, 12, 10), total=Decimal(5), count=1
    )
    debit_payment = Payment.objects.create(
        family=family,
        method=Payment.Method.DIRECT_DEBIT,
        reference="PRL-MATRIX",
        amount=Decimal(5),
        created_at=timezone.now(),
    )
    SepaDebit.objects.create(
        collection=collection,
        mandate=mandate,
        invoice=invoice,
        payment=debit_payment,
        amount=Decimal(5),
        end_to_end_id="E2E-MATRIX",
        sequence="FRST",
    )
    EmailAddress.objects.create(user=parent, email=parent.email, primary=True, verified=True)
    TOTP.activate(parent, generate_totp_secret())
    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="espace_famille.tasks.send_email",
        backend_name="default",
        run_after=timezone.now(),
        exception_class_path="",
        traceback="",
    )
    EmailDelivery.objects.create(
        template="invitation",
        to=[parent.email],
        subject="Invitation",
        text="Bonjour",
        html="<p>Bonjour</p>",
    )
    StaffJob.objects.create(
        kind="factures.billing_run", label="10/2026", state="succeeded", started_by=staff
    )
    field_policies_ensure()
    return {User: parent, Payment: payment}


def snapshot(obj: Model) -> dict:
    """The object's values, but its stored files: viewing an invoice's PDF stores the PDF,
    which is rendered from values nobody can change."""
    files = {f.name for f in obj._meta.fields if isinstance(f, FileField)} | {
        "pdf_sha256",
        "pdf_rendered_at",
    }
    return {k: v for k, v in model_to_dict(obj).items() if k not in files}


def as_request(user: User, method: str = "get"):
    request = getattr(RequestFactory(), method)("/admin/")
    request.user = user
    return request


def has(user: User, model: type[Model], action: str) -> bool:
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")


def url_of(name: str, *args) -> str:
    return reverse(f"admin:{name}", args=args)


def custom_views(model_admin: admin.ModelAdmin) -> list[URLPattern]:
    standard = {
        f"{model_admin.opts.app_label}_{model_admin.opts.model_name}{suffix}"
        for suffix in STANDARD_VIEWS
    }
    return [
        pattern
        for pattern in model_admin.get_urls()
        if isinstance(pattern, URLPattern) and pattern.name and pattern.name not in standard
    ]


def declared_permissions(pattern: URLPattern) -> tuple[str, ...] | None:
    view = pattern.callback
    while view is not None:
        if hasattr(view, "admin_permissions"):
            return view.admin_permissions
        view = getattr(view, "__wrapped__", None)
    return None


def user_may(user: User, model_admin: admin.ModelAdmin, permissions) -> bool:
    for permission in permissions:
        if "." in permission:
            if not user.has_perm(permission):
                return False
        elif not has(user, model_admin.model, permission):
            return False
    return True


def test_every_action_and_custom_view_declares_its_permissions():
    missing = []
    for model, model_admin in admin.site._registry.items():
        for func, name, _description in model_admin._get_base_actions():
            if not getattr(func, "allowed_permissions", None):
                missing.append(f"action {model._meta.label}.{name}")
        for pattern in custom_views(model_admin):
            if declared_permissions(pattern) is None:
                missing.append(f"view {model._meta.label}: {pattern.name}")
    assert missing == []


@pytest.mark.parametrize("kind", [*ROLES, "lecture"])
def test_permission_matrix_from_the_admin_site(client, staff, staff_roles, dataset, kind):
    user = role_account(kind, staff_roles)
    client.force_login(user)
    superuser_get, superuser_post = as_request(staff), as_request(staff, "post")
    problems: list[str] = []

    def expect(allowed: bool, response, what: str) -> None:
        if response.status_code >= 500:
            problems.append(f"{what}: {response.status_code}")
        elif allowed and response.status_code == 403:
            problems.append(f"{what}: 403 but allowed")
        elif not allowed and response.status_code != 403:
            problems.append(f"{what}: {response.status_code} instead of 403")

    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        base = f"{opts.app_label}_{opts.model_name}"
        label = opts.label
        obj = dataset.get(model) or model_admin.get_queryset(superuser_get).order_by("pk").first()
        if obj is None:
            problems.append(f"{label}: no object in the data set")

        may_view = has(user, model, "view") or has(user, model, "change")
        expect(may_view, client.get(url_of(f"{base}_changelist")), f"{label} list")

        may_add = has(user, model, "add") and model_admin.has_add_permission(superuser_get)
        expect(may_add, client.get(url_of(f"{base}_add")), f"{label} add")

        if obj is not None:
            before = snapshot(obj)
            events = AuditEvent.objects.exclude(kind=FamilyEvent.HEALTH_RECORD_VIEWED).count()
            expect(may_view, client.get(url_of(f"{base}_change", obj.pk)), f"{label} page")
            may_change = has(user, model, "change") and model_admin.has_change_permission(
                superuser_post, obj
            )
            if not may_change:
                response = client.post(url_of(f"{base}_change", obj.pk), {})
                expect(False, response, f"{label} change POST")
            may_delete = has(user, model, "delete") and model_admin.has_delete_permission(
                superuser_get, obj
            )
            expect(may_delete, client.get(url_of(f"{base}_delete", obj.pk)), f"{label} delete")
            if not may_delete:
                response = client.post(url_of(f"{base}_delete", obj.pk), {"post": "yes"})
                expect(False, response, f"{label} delete POST")

            # Every action the admin offers, run by the account on this object.
            listing = client.get(url_of(f"{base}_changelist")).content.decode()
            for name, (func, _name, _description) in model_admin.get_actions(superuser_get).items():
                allowed = any(
                    has(user, model, p)
                    if p in ("view", "add", "change", "delete")
                    else getattr(model_admin, f"has_{p}_permission")(as_request(user))
                    for p in getattr(func, "allowed_permissions", ())
                )
                if allowed:
                    if f'value="{name}"' not in listing:
                        problems.append(f"{label} action {name}: not offered but allowed")
                    continue
                response = client.post(
                    url_of(f"{base}_changelist"),
                    {"action": name, "_selected_action": [obj.pk], "index": 0, "reason": "x"},
                )
                expect(False, response, f"{label} action {name}")

            # Every custom view of the admin.
            for pattern in custom_views(model_admin):
                permissions = declared_permissions(pattern) or ("superuser",)
                kwargs = {key: obj.pk for key in pattern.pattern.converters}
                url = reverse(f"admin:{pattern.name}", kwargs=kwargs)
                allowed = user_may(user, model_admin, permissions)
                response = client.get(url)
                if response.status_code == 405:
                    response = client.post(url, {})
                expect(allowed, response, f"{label} view {pattern.name}")

            obj.refresh_from_db()
            if not has(user, model, "change") and snapshot(obj) != before:
                problems.append(f"{label}: changed by an account without the change right")
            rights = has(user, model, "change") or has(user, model, "add")
            # Consulting a health record is audited too (RGPD): a read, not a change.
            changes = AuditEvent.objects.exclude(kind=FamilyEvent.HEALTH_RECORD_VIEWED)
            if not rights and changes.count() != events:
                problems.append(f"{label}: audited changes by an account without rights")

    assert "\n".join(problems) == ""


def test_roles_match_the_jobs(staff_roles):
    """The three groups hold what their job needs, and nothing of a superuser."""
    direction = role_account("Direction", staff_roles)
    accueil = role_account("Accueil", staff_roles)
    compta = role_account("Comptabilité", staff_roles)
    assert not any(u.is_superuser for u in (direction, accueil, compta))
    assert direction.has_perms(
        ["espace_famille.manage_staff", "famille.change_family", "factures.add_invoice"]
    )
    assert accueil.has_perms(
        [
            "famille.change_family",
            "famille.change_changerequest",
            "documents.change_submission",
            "inscriptions.change_enrolment",
            "reservations.add_booking",
            "contact.change_thread",
            "factures.view_invoice",
            "factures.view_payment",
        ]
    )
    for perm in (
        "factures.add_invoice",
        "factures.change_payment",
        "factures.change_tariff",
        "espace_famille.manage_staff",
    ):
        assert not accueil.has_perm(perm), perm
    assert compta.has_perms(
        [
            "factures.add_tariff",
            "factures.change_tariff",
            "factures.add_invoice",
            "factures.add_payment",
            "factures.change_payment",
            "famille.view_family",
        ]
    )
    for perm in (
        "famille.change_family",
        "famille.change_changerequest",
        "inscriptions.change_enrolment",
        "espace_famille.manage_staff",
    ):
        assert not compta.has_perm(perm), perm
