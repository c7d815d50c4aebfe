"""Ma famille: the household at a glance, a page per record, change requests."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from espace_famille.access import FamilyRequest, family_required, get_for_family
from espace_famille.reminders import kinds_offered
from famille.forms import ReminderChoicesForm, readonly_facts, record_form
from famille.models import (
    FAMILY_FIELDS,
    ChangeRequest,
    Family,
    FieldPolicy,
    Member,
    member_fields_for_role,
)
from famille.selectors import (
    Policy,
    field_policies,
    field_policies_of,
    household_members,
    member_for_household,
    pending_values,
    recent_requests,
)
from famille.services import (
    change_request_cancel,
    change_request_create,
    decisions_mark_seen,
    deletion_request_create,
    member_add_request,
    reminder_choices_set,
)
from famille.values import display, label, model_field, review_rows, serialize

SEEN_SALT = "famille.record.seen"
SEEN_MAX_AGE = 7 * 24 * 3600
ROLE_SLUGS = {
    "enfant": Member.Role.CHILD,
    "personne": Member.Role.OTHER,
    "parent": Member.Role.PARENT,
}
# The key facts shown for each member on the overview, when the policy lets parents see them.
MEMBER_FACTS = {
    Member.Role.PARENT: ["birth_date", "phone", "email"],
    Member.Role.CHILD: ["birth_date", "school", "school_class", "allergies", "has_pai"],
    Member.Role.OTHER: ["relationship", "phone", "can_pick_up", "is_emergency_contact"],
}


def _facts(
    model: type[Family] | type[Member],
    obj: Family | Member,
    names: list[str],
    policies: dict[str, Policy],
) -> list[tuple[str, str]]:
    return [
        (label(model, name), display(model_field(model, name), serialize(getattr(obj, name))))
        for name in names
        if policies[name].visible
    ]


@require_GET
@family_required
def index(request: FamilyRequest) -> HttpResponse:
    family: Family = request.family
    policies = field_policies_of(FieldPolicy.Target.MEMBER, FieldPolicy.Target.FAMILY)
    member_policies = policies[FieldPolicy.Target.MEMBER]
    family_policies = policies[FieldPolicy.Target.FAMILY]
    pending = pending_values(family)
    groups: dict[str, list[dict[str, object]]] = {role: [] for role in Member.Role.values}
    for member in household_members(family):
        groups[member.role].append(
            {
                "member": member,
                "facts": _facts(
                    Member, member, MEMBER_FACTS[Member.Role(member.role)], member_policies
                ),
                "pending": bool(pending.get((ChangeRequest.Kind.MEMBER, member.pk))),
            }
        )
    requests = recent_requests(family)
    # Always (one UPDATE): a decision older than the requests listed must clear the badge too.
    decisions_mark_seen(family=family)
    context = {
        "family": family,
        "household_facts": _facts(Family, family, FAMILY_FIELDS[1:], family_policies),
        "household_pending": bool(pending.get((ChangeRequest.Kind.FAMILY, None))),
        "sections": [
            (Member.Role.PARENT, _("Parents et responsables légaux"), groups["parent"]),
            (Member.Role.CHILD, _("Enfants"), groups["child"]),
            (
                Member.Role.OTHER,
                _("Autres personnes (autorisées à venir chercher, à prévenir en cas d'urgence)"),
                groups["other"],
            ),
        ],
        "requests": requests,
        "reminders_form": _reminders_form(family),
    }
    return render(request, "famille/index.html", context)


def _reminders_form(family: Family, data: QueryDict | None = None) -> ReminderChoicesForm:
    return ReminderChoicesForm(
        data, kinds=kinds_offered(), choices=family.reminder_choices, prefix="rappels"
    )


@require_POST
@family_required
def reminder_choices(request: FamilyRequest) -> HttpResponse:
    """Ma famille's "Rappels par e-mail": the household's choice, saved at once (a preference,
    not a record: no staff validation)."""
    form = _reminders_form(request.family, request.POST)
    if form.is_valid() and reminder_choices_set(
        family=request.family, user=request.user, choices=form.choices(), request=request
    ):
        messages.success(request, _("Vos choix de rappels par e-mail sont enregistrés."))
    else:
        messages.info(request, _("Vos choix de rappels par e-mail n'ont pas changé."))
    return redirect(reverse("famille:index") + "#rappels")


def _record_page(
    request: FamilyRequest,
    *,
    target: Family | Member,
    fields: list[str],
    policy_target: str,
    kind: str,
    title: str,
    extra: dict[str, object],
) -> HttpResponse:
    family: Family = request.family
    model = type(target)
    policies = field_policies(policy_target)
    member_id = None if kind == ChangeRequest.Kind.FAMILY else target.pk
    pending = pending_values(family).get((kind, member_id), {})
    form = record_form(
        model=model,
        instance=target,
        fields=fields,
        policies=policies,
        pending=pending,
        data=request.POST if request.method == "POST" else None,
    )
    seen_now = _seen(target, form.fields, pending)
    seen = _load_seen(request.POST.get("seen")) if request.method == "POST" else None
    if request.method == "POST" and form.is_valid():
        shown = (seen or seen_now)["shown"]
        # Only what the parent changed on the page they saw: a value staff changed meanwhile
        # and the parent left alone is not sent back.
        values = {
            name: value
            for name, value in form.cleaned_data.items()
            if serialize(value) != shown.get(name)
        }
        created = change_request_create(
            family=family,
            user=request.user,
            target=target,
            values=values,
            seen=(seen or seen_now)["record"],
            request=request,
        )
        if created is not None:
            messages.success(request, _("Modification envoyée, en attente de validation."))
        else:
            messages.info(request, _("Aucune nouvelle modification à envoyer."))
        return redirect(request.path)
    context = {
        "title": title,
        "target": target,
        "form": form,
        "facts": readonly_facts(model=model, instance=target, fields=fields, policies=policies),
        "pending": pending,
        "seen": signing.dumps(seen or seen_now, salt=SEEN_SALT),
        **extra,
    }
    return render(request, "famille/record.html", context)


def _seen(
    target: Family | Member, names: Iterable[str], pending: dict[str, str]
) -> dict[str, dict[str, str]]:
    """The record's values and the values the form shows (pending ones included)."""
    record = {name: serialize(getattr(target, name)) for name in names}
    return {
        "record": record,
        "shown": {**record, **{k: v for k, v in pending.items() if k in record}},
    }


def _load_seen(token: str | None) -> dict | None:
    """What the page showed when the parent opened it (signed, so it cannot be forged)."""
    if not token:
        return None
    try:
        seen = signing.loads(token, salt=SEEN_SALT, max_age=SEEN_MAX_AGE)
    except signing.BadSignature:
        return None
    return seen if isinstance(seen, dict) and {"record", "shown"} <= seen.keys() else None


@require_http_methods(["GET", "POST"])
@family_required
def household(request: FamilyRequest) -> HttpResponse:
    family: Family = request.family
    return _record_page(
        request,
        target=family,
        fields=FAMILY_FIELDS,
        policy_target=FieldPolicy.Target.FAMILY,
        kind=ChangeRequest.Kind.FAMILY,
        title=_("Notre foyer"),
        extra={},
    )


@require_http_methods(["GET", "POST"])
@family_required
def member(request: FamilyRequest, pk: int) -> HttpResponse:
    family: Family = request.family
    person = member_for_household(family, pk)
    extra: dict[str, object] = {"member": person}
    if person.role == Member.Role.CHILD:
        others = list(family.members.filter(role=Member.Role.OTHER))
        extra["pick_up"] = [m for m in others if m.can_pick_up]
        extra["emergency"] = [m for m in others if m.is_emergency_contact]
    return _record_page(
        request,
        target=person,
        fields=member_fields_for_role(person.role),
        policy_target=FieldPolicy.Target.MEMBER,
        kind=ChangeRequest.Kind.MEMBER,
        title=str(person),
        extra=extra,
    )


@require_http_methods(["GET", "POST"])
@family_required
def member_add(request: FamilyRequest, role: str) -> HttpResponse:
    family: Family = request.family
    if role not in ROLE_SLUGS:
        raise Http404
    member_role = ROLE_SLUGS[role]
    policies = field_policies(FieldPolicy.Target.MEMBER)
    form = record_form(
        model=Member,
        instance=None,
        fields=member_fields_for_role(member_role),
        policies=policies,
        data=request.POST if request.method == "POST" else None,
        force_required=("first_name", "last_name"),
    )
    if request.method == "POST" and form.is_valid():
        member_add_request(
            family=family,
            user=request.user,
            role=member_role,
            values=dict(form.cleaned_data),
            request=request,
        )
        messages.success(request, _("Demande d'ajout envoyée, en attente de validation."))
        return redirect("famille:index")
    titles = {
        Member.Role.CHILD: _("Ajouter un enfant"),
        Member.Role.OTHER: _("Ajouter une personne autorisée ou à prévenir"),
        Member.Role.PARENT: _("Ajouter un parent ou responsable légal"),
    }
    return render(
        request,
        "famille/record.html",
        {"title": titles[member_role], "form": form, "facts": [], "pending": {}, "adding": True},
    )


@require_GET
@family_required
def change_request_detail(request: FamilyRequest, pk: int) -> HttpResponse:
    family: Family = request.family
    change_request = get_for_family(
        ChangeRequest.objects.select_related("member", "family").prefetch_related("items"),
        family,
        pk=pk,
    )
    return render(
        request,
        "famille/request.html",
        {"change_request": change_request, "rows": review_rows(change_request)},
    )


@require_POST
@family_required
def change_request_withdraw(request: FamilyRequest, pk: int) -> HttpResponse:
    family: Family = request.family
    change_request = get_for_family(ChangeRequest, family, pk=pk)
    try:
        change_request_cancel(change_request=change_request, user=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Votre demande a été annulée."))
    return redirect(reverse("famille:request", args=[pk]))


@require_http_methods(["GET", "POST"])
@family_required
def deletion_request(request: FamilyRequest) -> HttpResponse:
    """Ask for the account's deletion: what it means, then a request staff handle."""
    family: Family = request.family
    pending = ChangeRequest.objects.filter(
        family=family, kind=ChangeRequest.Kind.DELETION, status=ChangeRequest.Status.PENDING
    ).first()
    if request.method == "POST":
        change_request = deletion_request_create(family=family, user=request.user, request=request)
        if pending is None:
            messages.success(
                request,
                _("Votre demande de suppression est envoyée : la structure va la traiter."),
            )
        return redirect(reverse("famille:request", args=[change_request.pk]))
    return render(request, "famille/deletion.html", {"pending": pending})
