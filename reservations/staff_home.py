"""reservations on the staff home page and in the background jobs.

The panel: the coming four weeks, places taken against capacity per activity, as a
server-rendered SVG chart with the same numbers in a table. The job: a period's openings.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from espace_famille.formatting import long_date
from espace_famille.registry import StaffPanel, staff_panels
from reservations.selectors import places_by_week

# The chart's geometry, in SVG user units (the chart scales to the page's width).
WIDTH = 640
LABEL = 170
BAR = 14
GAP = 4
ROW_GAP = 14
BAR_WIDTH = WIDTH - LABEL - 90


def coming_weeks(request: HttpRequest) -> dict[str, Any]:
    mondays, activities = places_by_week(today=timezone.localdate())
    rows, y = [], 0
    for name, weeks in activities:
        bars = []
        for index, week in enumerate(weeks):
            top = y + index * (BAR + GAP)
            bars.append(
                {
                    "week": week,
                    "y": top,
                    "text_y": top + BAR - 3,
                    "width": round(BAR_WIDTH * min(week.percent, 100) / 100),
                    "full": week.capacity and week.taken >= week.capacity,
                }
            )
        rows.append({"name": name, "y": y, "label_y": y + BAR, "bars": bars, "weeks": weeks})
        y += len(weeks) * (BAR + GAP) + ROW_GAP
    return {
        "weeks": [{"monday": monday, "label": long_date(monday, "j F")} for monday in mondays],
        "activities": rows,
        "chart": {
            "width": WIDTH,
            "height": max(y - ROW_GAP, 0),
            "label": LABEL,
            "bar": BAR,
            "bar_width": BAR_WIDTH,
            "value_x": LABEL + BAR_WIDTH + 6,
        },
        "openings_url": reverse("admin:reservations_opening_changelist"),
    }


def register() -> None:
    from django.utils.translation import gettext_lazy as _
    from django.utils.translation import ngettext_lazy

    from espace_famille.registry import JobKind, StaffTodo, job_kinds, staff_todos
    from reservations.absences.selectors import absences_to_review_count
    from reservations.services import openings_generate_job

    staff_todos.register(
        StaffTodo(
            key="absences",
            order=35,
            permission="reservations.view_absencedeclaration",
            label=ngettext_lazy(
                "%(n)s absence justifiée à examiner",
                "%(n)s absences justifiées à examiner",
                "n",
            ),
            count=absences_to_review_count,
            url=lambda: (
                reverse("admin:reservations_absencedeclaration_changelist") + "?examen=a_examiner"
            ),
        )
    )

    job_kinds.register(
        JobKind(
            key="reservations.openings_generate",
            title=_("Générer les ouvertures d'une période"),
            permission="reservations.add_opening",
            run=openings_generate_job,
        )
    )
    staff_panels.register(
        StaffPanel(
            key="coming_weeks",
            order=10,
            permission="reservations.view_opening",
            template="admin/reservations/staff_home_weeks.html",
            context=coming_weeks,
        )
    )
