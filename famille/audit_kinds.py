"""The audit log's event kinds of Ma famille: change requests and health records viewed by staff.

Registered with the core in `apps.py` (`audit_kinds.register` of `espace_famille.audit_kinds`):
adding a kind here needs no migration of the core.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FamilyEvent(models.TextChoices):
    CHANGE_REQUESTED = "change_requested", _("Modification demandée")
    CHANGE_ACCEPTED = "change_accepted", _("Modification acceptée")
    CHANGE_REFUSED = "change_refused", _("Modification refusée")
    CHANGE_CANCELLED = "change_cancelled", _("Demande de modification retirée")
    HEALTH_RECORD_VIEWED = "health_record_viewed", _("Fiche santé consultée")
    DELETION_REQUESTED = "deletion_requested", _("Suppression du compte demandée")
    HOUSEHOLD_LEFT = "household_left", _("Famille partie (comptes fermés)")
    HOUSEHOLD_ANONYMISED = "household_anonymised", _("Famille anonymisée")
    REMINDERS_CHOSEN = "reminders_chosen", _("Choix des rappels par e-mail modifié")
    SHARED_CUSTODY_LINKED = "shared_custody_linked", _("Garde alternée déclarée")
    SHARED_CUSTODY_UNLINKED = "shared_custody_unlinked", _("Garde alternée terminée")
    SHARED_CHILD_CHANGED = "shared_child_changed", _("Fiche d'un enfant en garde alternée modifiée")
