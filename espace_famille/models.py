"""Core models: logins, the structure's identity and the append-only audit log."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from espace_famille.audit_kinds import audit_kinds, kind_choices


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A login. Parents belong to one family; staff have none and work in the admin."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("adresse e-mail"), unique=True)
    family = models.ForeignKey(
        "famille.Family",
        verbose_name=_("famille"),
        null=True,
        blank=True,
        related_name="logins",
        on_delete=models.PROTECT,
        help_text=_("Laisser vide pour un membre du personnel."),
    )
    invited_at = models.DateTimeField(_("invitation envoyée le"), null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("compte de connexion")
        verbose_name_plural = _("comptes de connexion")
        ordering = ["last_name", "first_name", "email"]
        permissions = [("manage_staff", _("Gérer les comptes du personnel et leurs droits"))]

    def __str__(self) -> str:
        full_name = self.get_full_name()
        return f"{full_name} <{self.email}>" if full_name else self.email

    def clean(self) -> None:
        super().clean()
        # Logins are email addresses, compared without case: store them in lower case.
        self.email = (self.email or "").strip().lower()


class Structure(models.Model):
    """The identity of the structure running the portal (a single row)."""

    name = models.CharField(_("nom"), max_length=200)
    address = models.TextField(_("adresse"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail de contact"), blank=True)
    opening_hours = models.TextField(_("horaires d'accueil"), blank=True)
    website = models.URLField(_("site internet"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="structure/", blank=True)
    legal_mentions = models.TextField(
        _("mentions légales"),
        blank=True,
        help_text=_("Imprimées au bas des factures (SIRET, TVA, coordonnées bancaires…)."),
    )
    # Personal data (RGPD): shown on the "Données personnelles" page.
    dpo_name = models.CharField(
        _("délégué à la protection des données (DPO)"),
        max_length=200,
        blank=True,
        help_text=_("Nom ou service du DPO, par exemple celui de la collectivité."),
    )
    dpo_email = models.EmailField(_("e-mail du DPO"), blank=True)
    dpo_address = models.TextField(_("adresse postale du DPO"), blank=True)
    hosting_provider = models.TextField(
        _("hébergeur"),
        blank=True,
        help_text=_("Nom et adresse de l'hébergeur du portail (destinataire technique)."),
    )

    class Meta:
        verbose_name = _("structure")
        verbose_name_plural = _("structure")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> Structure:
        """The structure's identity; an unsaved placeholder until staff fill it in."""
        return cls.objects.order_by("pk").first() or cls(name=str(_("Espace Famille")))


class AuditEvent(models.Model):
    """One thing that happened, written once by a service and never changed."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("Connexion")
        LOGIN_FAILED = "login_failed", _("Échec de connexion")
        LOGOUT = "logout", _("Déconnexion")
        INVITATION_SENT = "invitation_sent", _("Invitation envoyée")
        PASSWORD_SET = "password_set", _("Mot de passe défini")
        PASSWORD_CHANGED = "password_changed", _("Mot de passe modifié")
        PASSWORD_RESET_REQUESTED = "password_reset_requested", _("Mot de passe oublié")
        ACCOUNT_DEACTIVATED = "account_deactivated", _("Compte désactivé")
        SECOND_FACTOR_CHANGED = "second_factor_changed", _("Double authentification modifiée")
        DATA_EXPORTED = "data_exported", _("Données du foyer téléchargées")
        OTHER = "other", _("Autre")

    created_at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("type"), max_length=40, choices=kind_choices, db_index=True)
    family = models.ForeignKey(
        "famille.Family",
        verbose_name=_("famille"),
        null=True,
        blank=True,
        related_name="audit_events",
        on_delete=models.PROTECT,
    )
    user = models.ForeignKey(
        User,
        verbose_name=_("auteur"),
        null=True,
        blank=True,
        related_name="audit_events",
        on_delete=models.PROTECT,
    )
    summary = models.CharField(_("résumé"), max_length=300)
    object_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("objet")
    )
    object_id = models.CharField(_("identifiant de l'objet"), max_length=64, blank=True)
    object_repr = models.CharField(_("objet concerné"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("événement du journal")
        verbose_name_plural = _("journal d'audit")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["family", "kind", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.summary}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object):  # type: ignore[override]
        raise PermissionError("Audit events are never deleted.")


class EmailDelivery(models.Model):
    """One email handed to the mail server: what was sent, to whom, and whether it left.

    Written by `emails.send_templated`, updated by the `send_email` task at each attempt, so staff
    see the sends that failed (mail server down) and can send them again.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("À envoyer")
        RETRYING = "retrying", _("Nouvel essai prévu")
        SENT = "sent", _("Envoyé")
        FAILED = "failed", _("Échec")

    created_at = models.DateTimeField(_("créé le"), auto_now_add=True, db_index=True)
    template = models.CharField(_("modèle"), max_length=100)
    to = models.JSONField(_("destinataires"), default=list)
    reply_to = models.JSONField(_("répondre à"), default=list, blank=True)
    subject = models.CharField(_("objet"), max_length=998)
    text = models.TextField(_("texte"))
    html = models.TextField(_("HTML"))
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("essais"), default=0)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    last_attempt_at = models.DateTimeField(_("dernier essai"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("prochain essai"), null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("envoi d'e-mail")
        verbose_name_plural = _("envois d'e-mails")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.subject


audit_kinds.register(AuditEvent.Kind)
