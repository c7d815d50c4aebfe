"""Mes données: the household, its members, its change requests and its reminder choices."""

from django.utils.translation import gettext as _

from espace_famille.export import Section, table
from espace_famille.formatting import field_label
from espace_famille.registry import ExportSource, export_sources, reminder_kinds
from espace_famille.reminders import wants
from famille.models import FAMILY_FIELDS, MEMBER_FIELDS, ChangeRequestItem, Family, Member
from famille.selectors import household_members


def _yes_no(value: bool | None) -> str:
    return "" if value is None else str(_("oui") if value else _("non"))


def reminder_choices(family: Family) -> Section:
    """Each kind of reminder email: what the household chose in Ma famille (empty: never
    chose, the kind's default applies) and whether it is sent to the household."""
    choices = family.reminder_choices or {}
    rows = [
        [
            str(kind.label),
            _yes_no(None if choices.get(kind.key) is None else bool(choices[kind.key])),
            _yes_no(wants(choices, kind)),
        ]
        for kind in reminder_kinds
    ]
    columns = [_("Rappel"), _("Choix du foyer"), _("Envoyé au foyer")]
    return Section(key="rappels", title=_("Rappels par e-mail"), columns=columns, rows=rows)


def sections(family: Family) -> list[Section]:
    return [
        table(
            "foyer",
            _("Foyer"),
            Family.objects.filter(pk=family.pk),
            {field_label(Family, name): name for name in FAMILY_FIELDS},
        ),
        table(
            "membres",
            _("Membres"),
            household_members(family).order_by("pk"),
            {field_label(Member, "role"): "role"}
            | {field_label(Member, n): n for n in MEMBER_FIELDS},
        ),
        table(
            "demandes",
            _("Demandes de modification"),
            ChangeRequestItem.objects.filter(change_request__family=family).order_by("pk"),
            {
                _("Demandée le"): "change_request__created_at",
                _("Statut"): "change_request__status",
                _("Champ"): "field_name",
                _("Ancienne valeur"): "old_value",
                _("Nouvelle valeur"): "new_value",
            },
        ),
        reminder_choices(family),
    ]


export_sources.register(ExportSource("famille", 10, sections))
