"""The household (famille) and the people in it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Family(models.Model):
    """A household: one account on the portal, one or two parent logins."""

    name = models.CharField(_("nom de la famille"), max_length=150, db_index=True)
    address = models.CharField(_("adresse"), max_length=250, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("ville"), max_length=100, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail du foyer"), blank=True)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Décocher quand la famille quitte la structure.")
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("famille")
        verbose_name_plural = _("familles")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return str(_("Famille %(name)s") % {"name": self.name})


class Member(models.Model):
    """A person of the household: parent or guardian, child, or another person."""

    class Role(models.TextChoices):
        PARENT = "parent", _("Parent / responsable légal")
        CHILD = "child", _("Enfant")
        OTHER = "other", _("Autre personne")

    family = models.ForeignKey(
        Family, verbose_name=_("famille"), related_name="members", on_delete=models.CASCADE
    )
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.CHILD)
    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100)
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        verbose_name = _("membre")
        verbose_name_plural = _("membres")
        ordering = ["family", "role", "birth_date", "first_name"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"
