"""The booking rule factures adds: no new booking while the overdue balance is too high."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from espace_famille.admin_formats import euros
from factures.models import BillingSettings
from factures.selectors import overdue_balance

if TYPE_CHECKING:
    from espace_famille.models import User
    from famille.models import Member
    from reservations.models import Opening


def overdue_balance_rule(*, member: Member, opening: Opening, user: User | None) -> str | None:
    threshold = BillingSettings.current().overdue_threshold
    if threshold is None:
        return None
    owed = overdue_balance(member.family_id)
    if owed <= threshold:
        return None
    # Amounts in the language's figures ("20,01 €"), not Decimal's own text ("20.0100000").
    return _(
        "Réservation impossible : vos factures échues non réglées s'élèvent à %(owed)s, "
        "au-delà du seuil de %(threshold)s fixé par la structure. Réglez-les dans "
        "Mes factures (%(url)s)."
    ) % {"owed": euros(owed), "threshold": euros(threshold), "url": reverse("factures:index")}
