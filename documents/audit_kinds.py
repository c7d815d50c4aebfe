"""The audit log's event kinds of Mes documents: documents sent and reviewed.

Registered with the core in `apps.py` (`audit_kinds.register` of `espace_famille.audit_kinds`):
adding a kind here needs no migration of the core.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentEvent(models.TextChoices):
    DOCUMENT_UPLOADED = "document_uploaded", _("Document transmis")
    DOCUMENT_ACCEPTED = "document_accepted", _("Document accepté")
    DOCUMENT_REFUSED = "document_refused", _("Document refusé")
