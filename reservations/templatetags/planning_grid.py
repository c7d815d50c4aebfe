"""The planning grid's cells, written in Python: one tag per row instead of an include per cell.

A month shows a few hundred cells; rendering each through a template (include, filters,
blocktranslate) cost more than the rest of the page. The HTML is the same as the former
`_cell.html`; the words and the day labels are computed once per page render.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import dateformat, formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from espace_famille.formatting import long_date
from reservations.selectors import Cell, Row, State

register = template.Library()


def _words() -> dict[str, Any]:
    return {
        "labels": {state: escape(str(label)) for state, (label, _icon) in State.LABELS.items()},
        # As {% translate %} and {% blocktranslate %} did: translations are not escaped.
        "actions": {
            "book": gettext("Réserver"),
            "cancel": gettext("Annuler"),
            "join": gettext("Liste d'attente"),
            "leave": gettext("Quitter la liste"),
            "ask": gettext("Demander"),
            "unask": gettext("Retirer la demande"),
        },
        "pending": gettext("à valider"),
        "days": {},
        "places": {},
    }


def _cell(cell: Cell, unit_name: str, words: dict[str, Any]) -> str:
    label = words["labels"][cell.state]
    if cell.state == State.NONE:
        return (
            '<td class="cell cell--none"><span aria-hidden="true">—</span>'
            f'<span class="visually-hidden">{label}</span></td>'
        )
    locked = " cell--locked" if cell.locked else ""
    rank = ""
    if cell.rank:
        text = gettext("n° %(rank)s") % {"rank": escape(formats.localize(cell.rank))}
        rank = f' <span class="cell__rank">{text}</span>'
    parts = [
        f'<td class="cell cell--{cell.state}{locked}">\n'
        f'  <span class="cell__state"><span class="cell__icon" aria-hidden="true">{cell.icon}'
        f"</span> {label}{rank}</span>\n"
    ]
    if cell.state == State.AVAILABLE:
        places = words["places"].get(cell.remaining)
        if places is None:
            places = words["places"][cell.remaining] = ngettext(
                "%(n)s place", "%(n)s places", cell.remaining
            ) % {"n": escape(formats.localize(cell.remaining))}
        parts.append(f'  <span class="cell__places">{places}</span>\n')
    if cell.action:
        day = words["days"].get(cell.day)
        if day is None:
            day = words["days"][cell.day] = escape(long_date(cell.day, "l j F"))
        parts.append(
            '    <label class="cell__choice">\n'
            f'      <input type="checkbox" name="{cell.action}" value="{cell.opening.pk}">\n'
            f"      <span>{words['actions'][cell.action]}</span>"
            f'<span class="visually-hidden"> {unit_name} {day}</span>\n'
            "    </label>\n"
            f'    <span class="cell__pending">{words["pending"]}</span>\n'
        )
    parts.append("</td>")
    return "".join(parts)


@register.simple_tag(takes_context=True)
def planning_cells(context: template.Context, row: Row) -> SafeString:
    """Every cell (<td>) of a planning row."""
    words = context.render_context.get("planning_grid_words")
    if words is None:
        words = context.render_context["planning_grid_words"] = _words()
    unit_name = escape(row.unit.name)
    return mark_safe("".join(_cell(cell, unit_name, words) for cell in row.cells))  # noqa: S308


@register.simple_tag
def planning_day_headers(days: list) -> SafeString:
    """The column headers (<th>) of a planning week: short weekday name and day/month."""
    return mark_safe(  # noqa: S308
        "".join(
            f'<th scope="col"><span class="planning__dow">{escape(dateformat.format(day, "D"))}'
            f"</span> {escape(dateformat.format(day, 'j/m'))}</th>"
            for day in days
        )
    )
