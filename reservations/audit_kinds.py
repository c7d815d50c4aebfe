"""The audit log's event kinds of Mes réservations: bookings and the waiting list.

Registered with the core in `apps.py` (`audit_kinds.register` of `espace_famille.audit_kinds`):
adding a kind here needs no migration of the core.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BookingEvent(models.TextChoices):
    BOOKING_CREATED = "booking_created", _("Réservation")
    BOOKING_CANCELLED = "booking_cancelled", _("Annulation de réservation")
    WAITLIST_JOINED = "waitlist_joined", _("Liste d'attente")
    WAITLIST_OFFERED = "waitlist_offered", _("Place proposée (liste d'attente)")
    WAITLIST_LEFT = "waitlist_left", _("Sortie de la liste d'attente")
    CALENDAR_FEED_RENEWED = "calendar_feed_renewed", _("Lien d'agenda créé ou renouvelé")


class CampaignEvent(models.TextChoices):
    """Registration campaigns: a parent's requests, the allocation and its result."""

    CAMPAIGN_REQUESTED = "campaign_requested", _("Demande de campagne")
    CAMPAIGN_WITHDRAWN = "campaign_withdrawn", _("Demande de campagne retirée")
    CAMPAIGN_ALLOCATED = "campaign_allocated", _("Attribution de campagne")


class AbsenceEvent(models.TextChoices):
    """Justified absences: a parent's declaration and the staff's review."""

    ABSENCE_DECLARED = "absence_declared", _("Absence déclarée")
    ABSENCE_ACCEPTED = "absence_accepted", _("Absence justifiée acceptée")
    ABSENCE_REFUSED = "absence_refused", _("Absence justifiée refusée")
