"""The report a parent reads after validating a planning: one summary, the details folded.

Booking a week is a dozen changes; one banner each pushed the planning screens down. The
report counts them in words ("14 réservations enregistrées, 1 refusée :"), lists the distinct
reasons of the refusals, and folds every line, in date order, in a <details>.
Without JavaScript the report crosses the redirect in the session, for its member only, once.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reservations.services import ApplyResult, Outcome

SESSION_KEY = "reservations_report"
ACTIONS = ("book", "cancel", "join", "leave", "ask", "unask")


def _counts(action: str, n: int) -> str:
    # Every noun is feminine: "1 refusée" agrees with any of them.
    words = {
        "book": ngettext("%(n)s réservation enregistrée", "%(n)s réservations enregistrées", n),
        "cancel": ngettext("%(n)s annulation enregistrée", "%(n)s annulations enregistrées", n),
        "join": ngettext(
            "%(n)s inscription sur liste d'attente", "%(n)s inscriptions sur liste d'attente", n
        ),
        "leave": ngettext("%(n)s sortie de liste d'attente", "%(n)s sorties de liste d'attente", n),
        # Registration campaigns: days asked for, not booked.
        "ask": ngettext("%(n)s demande enregistrée", "%(n)s demandes enregistrées", n),
        "unask": ngettext("%(n)s demande retirée", "%(n)s demandes retirées", n),
    }[action]
    return words % {"n": n}


@dataclass
class PlanningReport:
    outcomes: list[Outcome]

    @classmethod
    def of(cls, result: ApplyResult) -> PlanningReport:
        return cls(result.in_date_order)

    @property
    def lines(self) -> list[Outcome]:
        return self.outcomes

    @property
    def refused(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.done]

    @property
    def reasons(self) -> list[str]:
        """The refusals' messages, each told once (a missing document refuses every day)."""
        return list(dict.fromkeys(o.text for o in self.refused))

    @property
    def level(self) -> str:
        if not self.refused:
            return "success"
        return "warning" if len(self.refused) < len(self.outcomes) else "error"

    @property
    def summary(self) -> str:
        done = Counter(o.action for o in self.outcomes if o.done)
        parts = [_counts(action, done[action]) for action in ACTIONS if done[action]]
        refused = len(self.refused)
        if refused:
            if parts:
                parts.append(ngettext("%(n)s refusée", "%(n)s refusées", refused) % {"n": refused})
            else:
                parts.append(
                    ngettext("%(n)s demande refusée", "%(n)s demandes refusées", refused)
                    % {"n": refused}
                )
            return _("%(summary)s :") % {"summary": ", ".join(parts)}
        return ", ".join(parts)

    # Across the redirect of a form sent without JavaScript.

    def save(self, request: HttpRequest, member_pk: int) -> None:
        request.session[SESSION_KEY] = {
            "member": member_pk,
            "outcomes": [
                {
                    "action": o.action,
                    "done": o.done,
                    "text": o.text,
                    "day": o.day.isoformat() if o.day else None,
                    "unit": o.unit,
                }
                for o in self.outcomes
            ],
        }

    @classmethod
    def pop(cls, request: HttpRequest, member_pk: int) -> PlanningReport | None:
        stored: Any = request.session.get(SESSION_KEY)
        if not isinstance(stored, dict) or stored.get("member") != member_pk:
            return None
        del request.session[SESSION_KEY]
        return cls(
            [
                Outcome(
                    action=str(item["action"]),
                    done=bool(item["done"]),
                    text=str(item["text"]),
                    day=datetime.date.fromisoformat(item["day"]) if item["day"] else None,
                    unit=str(item["unit"]),
                )
                for item in stored.get("outcomes", [])
            ]
        )
