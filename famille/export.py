"""Mes données: the household, its members and its change requests."""

from django.utils.translation import gettext as _

from espace_famille.export import Section, table
from espace_famille.formatting import field_label
from espace_famille.registry import ExportSource, export_sources
from famille.models import FAMILY_FIELDS, MEMBER_FIELDS, ChangeRequestItem, Family, Member
from famille.selectors import household_members


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
    ]


export_sources.register(ExportSource("famille", 10, sections))
