"""The audit log's event kinds of Mes inscriptions: requests and decisions.

Registered with the core in `apps.py` (`audit_kinds.register` of `espace_famille.audit_kinds`):
adding a kind here needs no migration of the core.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EnrolmentEvent(models.TextChoices):
    ENROLMENT_REQUESTED = "enrolment_requested", _("Inscription demandée")
    ENROLMENT_ACCEPTED = "enrolment_accepted", _("Inscription acceptée")
    ENROLMENT_REFUSED = "enrolment_refused", _("Inscription refusée")
    ENROLMENT_CANCELLED = "enrolment_cancelled", _("Inscription annulée")
