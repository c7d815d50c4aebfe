"""Reads shared by the famille views, the admin and the dashboard badge."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from famille.models import (
    FAMILY_FIELDS,
    MEMBER_FIELDS,
    ChangeRequest,
    ChangeRequestItem,
    Family,
    FieldPolicy,
    Member,
    SharedCustody,
)

Access = FieldPolicy.Access


@dataclass(frozen=True)
class Policy:
    access: str
    required: bool

    @property
    def editable(self) -> bool:
        return self.access == Access.EDITABLE

    @property
    def visible(self) -> bool:
        return self.access != Access.HIDDEN


# What a structure gets before staff change anything: names and the quotient familial are
# checked by the structure, everything else parents may update.
DEFAULT_POLICIES: dict[str, dict[str, Policy]] = {
    FieldPolicy.Target.FAMILY: {name: Policy(Access.EDITABLE, False) for name in FAMILY_FIELDS}
    | {
        "name": Policy(Access.READONLY, True),
        "address": Policy(Access.EDITABLE, True),
        "postal_code": Policy(Access.EDITABLE, True),
        "city": Policy(Access.EDITABLE, True),
        "phone": Policy(Access.EDITABLE, True),
        "quotient_familial": Policy(Access.READONLY, False),
        "quotient_familial_date": Policy(Access.READONLY, False),
    },
    FieldPolicy.Target.MEMBER: {name: Policy(Access.EDITABLE, False) for name in MEMBER_FIELDS}
    | {
        "first_name": Policy(Access.EDITABLE, True),
        "last_name": Policy(Access.EDITABLE, True),
    },
}


def field_policies(target: str) -> dict[str, Policy]:
    """Every field of a record with its policy (one query)."""
    return field_policies_of(target)[target]


def field_policies_of(*targets: str) -> dict[str, dict[str, Policy]]:
    """target -> every field of that record with its policy, for several targets (one query)."""
    result = {target: dict(DEFAULT_POLICIES[target]) for target in targets}
    rows = (
        FieldPolicy.objects.filter(target__in=targets)
        .order_by()
        .values_list("target", "field_name", "access", "required")
    )
    for target, field_name, access, required in rows:
        if field_name in result[target]:
            result[target][field_name] = Policy(access, required)
    return result


def pending_values(family: Family) -> dict[tuple[str, int | None], dict[str, str]]:
    """(kind, member id) -> {field: new value} of the family's pending requests (one query)."""
    pending: dict[tuple[str, int | None], dict[str, str]] = defaultdict(dict)
    rows = (
        ChangeRequestItem.objects.filter(
            change_request__family=family,
            change_request__status=ChangeRequest.Status.PENDING,
        )
        .exclude(change_request__kind=ChangeRequest.Kind.NEW_MEMBER)
        .order_by("change_request__created_at", "pk")
        .values_list("change_request__kind", "change_request__member_id", "field_name", "new_value")
    )
    for kind, member_id, field_name, new_value in rows:
        pending[(kind, member_id)][field_name] = new_value
    return pending


def family_members(family: Family) -> QuerySet[Member]:
    return household_members(family)


def household_members(family: Family | int) -> QuerySet[Member]:
    """The members of a household: its own, and the children it shares (garde alternée).

    The one answer to "who is in this household" wherever a parent reaches a member: a child
    in shared custody belongs to its main household (`Member.family`) and to the second one
    named by its `SharedCustody` row. One query, whatever the number of households: the two
    sides of the OR each start from the household's key (SQLite: MULTI-INDEX OR), where a join
    on the link would read every member of the town.
    """
    family_id = family if isinstance(family, int) else family.pk
    shared = SharedCustody.objects.filter(family_id=family_id).values("member_id")
    return Member.objects.filter(Q(family_id=family_id) | Q(pk__in=shared))


def member_for_household(
    family: Family, pk: object, queryset: QuerySet[Member] | None = None
) -> Member:
    """One member of the household (its own or a shared child); 404 for anybody else's."""
    base = household_members(family) if queryset is None else queryset & household_members(family)
    # The link comes with the member (no query more): the planning tells a shared child's days.
    return get_object_or_404(base.select_related("shared_custody"), pk=pk)


def in_household(member: Member, family: Family | int) -> bool:
    """Whether the member belongs to the household (main or second; one query when shared)."""
    family_id = family if isinstance(family, int) else family.pk
    if member.family_id == family_id:
        return True
    return SharedCustody.objects.filter(member_id=member.pk, family_id=family_id).exists()


def households_of(member: Member) -> list[int]:
    """The households of a member: its main one, then the second one if any (one query, none
    when the member was read with its link: `member_for_household` selects it)."""
    if Member.shared_custody.is_cached(member):
        link = getattr(member, "shared_custody", None)
        return [member.family_id] if link is None else [member.family_id, link.family_id]
    second = SharedCustody.objects.filter(member_id=member.pk).values_list("family_id", flat=True)
    return [member.family_id, *second]


def recent_requests(family: Family, limit: int = 10) -> list[ChangeRequest]:
    return list(
        family.change_requests.select_related("member")
        .prefetch_related("items")
        .order_by("-created_at", "-pk")[:limit]
    )


def unseen_decisions_count(family: Family) -> int:
    """Dashboard badge: refused requests the family has not looked at yet (one query)."""
    return ChangeRequest.objects.filter(
        family=family, status=ChangeRequest.Status.REFUSED, family_seen_at__isnull=True
    ).count()
