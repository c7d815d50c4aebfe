"""Conversations between a family and the structure."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Thread(models.Model):
    """A conversation opened by a family, answered by staff in the admin."""

    class Status(models.TextChoices):
        OPEN = "open", _("En attente de réponse")
        ANSWERED = "answered", _("Répondu")
        CLOSED = "closed", _("Clos")

    family = models.ForeignKey(
        "famille.Family",
        verbose_name=_("famille"),
        related_name="threads",
        on_delete=models.CASCADE,
    )
    subject = models.CharField(_("objet"), max_length=200)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ouvert par"),
        related_name="+",
        on_delete=models.PROTECT,
    )
    created_at = models.DateTimeField(_("ouvert le"), auto_now_add=True)
    last_message_at = models.DateTimeField(_("dernier message le"), db_index=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-last_message_at", "-pk"]
        indexes = [models.Index(fields=["family", "last_message_at"])]

    def __str__(self) -> str:
        return self.subject


class Message(models.Model):
    """One message of a thread, from the family or from staff, with an optional attachment."""

    thread = models.ForeignKey(
        Thread, verbose_name=_("conversation"), related_name="messages", on_delete=models.CASCADE
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        related_name="+",
        on_delete=models.PROTECT,
    )
    from_staff = models.BooleanField(_("réponse de la structure"), default=False)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("envoyé le"), auto_now_add=True)
    read_at = models.DateTimeField(
        _("lu le"),
        null=True,
        blank=True,
        help_text=_("Lu par la famille (réponse de la structure) ou par la structure."),
    )
    # Stored under a random name in private storage; served only by contact:attachment.
    attachment = models.FileField(_("pièce jointe"), upload_to="contact/", blank=True)
    attachment_name = models.CharField(_("nom du fichier"), max_length=200, blank=True)
    attachment_type = models.CharField(_("type du fichier"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["thread", "from_staff", "read_at"])]

    def __str__(self) -> str:
        if self.created_at is None:
            return str(self.thread)
        return f"{self.thread} — {timezone.localtime(self.created_at):%d/%m/%Y %H:%M}"
