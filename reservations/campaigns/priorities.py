"""Priority rule types of a campaign: each reads one field of the household and says which
children meet it. Staff pick and order them per campaign (`CampaignRule`).

A rule type is registered once in `priority_rules` (a `Registry`): a key (stored), a label, the
field it reads (shown to staff) and `members_meeting(children, campaign) -> set of member ids`,
which reads the field of many children at once (one query, whatever their number).
Other apps may register more rule types from their `AppConfig.ready`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from espace_famille.registry import Registry

Meeting = Callable[[list[Any], Any], set[int]]


@dataclass(frozen=True)
class PriorityRule:
    key: str
    label: Any  # a lazy French string
    field: Any  # the field it reads, in words
    members_meeting: Meeting


# The project's one extension mechanism (espace_famille.registry.Registry), by key.
priority_rules: Registry[PriorityRule] = Registry(
    "campaign priority rules", key=lambda rule: rule.key
)


def priority_rule(key: str) -> PriorityRule | None:
    return priority_rules.get(key)


def rule_choices() -> list[tuple[str, Any]]:
    """The choices of `CampaignRule.rule` (a callable: registered rules are read at run time)."""
    return [(rule.key, rule.label) for rule in priority_rules]


def _family_ids(children: Iterable[Any]) -> set[int]:
    return {child.family_id for child in children}


def _siblings_enrolled(children: list[Any], campaign: Any) -> set[int]:
    from inscriptions.models import Enrolment

    rows = Enrolment.objects.filter(
        member__family_id__in=_family_ids(children),
        member__role="child",
        status=Enrolment.Status.ACCEPTED,
        start_date__lte=campaign.start_date,
        end_date__gte=campaign.start_date,
    ).values_list("member__family_id", "member_id")
    enrolled: dict[int, set[int]] = {}
    for family_id, member_id in rows:
        enrolled.setdefault(family_id, set()).add(member_id)
    return {c.pk for c in children if enrolled.get(c.family_id, set()) - {c.pk}}


def _residents(children: list[Any], campaign: Any) -> set[int]:
    codes = {code.strip() for code in settings.RESIDENT_POSTAL_CODES if code.strip()}
    return {c.pk for c in children if c.family.postal_code.strip() in codes}


def _parents_working(children: list[Any], campaign: Any) -> set[int]:
    from famille.models import Member

    parents = Member.objects.filter(
        family_id__in=_family_ids(children), role=Member.Role.PARENT
    ).values_list("family_id", "works")
    households: dict[int, list[bool]] = {}
    for family_id, works in parents:
        households.setdefault(family_id, []).append(works)
    return {c.pk for c in children if all(households.get(c.family_id) or [False])}


def _pai(children: list[Any], campaign: Any) -> set[int]:
    return {c.pk for c in children if c.has_pai}


SIBLING = priority_rules.register(
    PriorityRule(
        "sibling_enrolled",
        _("Frère ou sœur déjà inscrit(e)"),
        _("un autre enfant du foyer a une inscription acceptée au premier jour de la campagne"),
        _siblings_enrolled,
    )
)
RESIDENT = priority_rules.register(
    PriorityRule(
        "resident",
        _("Habitant de la commune"),
        _("le code postal du foyer est dans le réglage RESIDENT_POSTAL_CODES"),
        _residents,
    )
)
PARENTS_WORKING = priority_rules.register(
    PriorityRule(
        "parents_working",
        _("Parents qui travaillent tous les deux"),
        _("chaque parent du foyer a la case « exerce une activité professionnelle » cochée"),
        _parents_working,
    )
)
PAI = priority_rules.register(
    PriorityRule("pai", _("Enfant avec un PAI"), _("la case PAI de la fiche de l'enfant"), _pai)
)
