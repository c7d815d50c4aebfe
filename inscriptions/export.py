"""Mes données: the enrolments of the household's members."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from espace_famille.export import Section, table
from espace_famille.registry import ExportSource, export_sources
from famille.selectors import household_members
from inscriptions.models import Enrolment

if TYPE_CHECKING:
    from famille.models import Family


def sections(family: Family) -> list[Section]:
    return [
        table(
            "inscriptions",
            _("Inscriptions"),
            Enrolment.objects.filter(member__in=household_members(family)).order_by("pk"),
            {
                _("Prénom"): "member__first_name",
                _("Activité"): "activity__name",
                _("Statut"): "status",
                _("Du"): "start_date",
                _("Au"): "end_date",
                _("Commentaire"): "comment",
                _("Motif"): "reason",
            },
        )
    ]


export_sources.register(ExportSource("inscriptions", 30, sections))
