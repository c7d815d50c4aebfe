"""The audit log's event kinds of Contact: messages and conversations.

Registered with the core in `apps.py` (`audit_kinds.register` of `espace_famille.audit_kinds`):
adding a kind here needs no migration of the core.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContactEvent(models.TextChoices):
    MESSAGE_SENT = "message_sent", _("Message envoyé")
    THREAD_CLOSED = "thread_closed", _("Conversation close")
