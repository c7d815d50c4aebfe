"""Core models: logins, the structure's identity and the append-only audit log."""

from __future__ import annotations

from typing import Any, ClassVar, NoReturn

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.contenttypes.models import ContentType
from django.core.validators import RegexValidator
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

    username = None  # type: ignore[assignment]  # logins by email: the field is removed
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
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]  # email, no username

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
    siret = models.CharField(
        _("SIRET"),
        max_length=14,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{14}$", _("Le SIRET compte 14 chiffres."))],
        help_text=_("Imprimé sur les attestations fiscales et de paiement."),
    )
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
    # The reminder emails the structure does not send (keys of registry.reminder_kinds).
    reminders_off = models.JSONField(_("rappels par e-mail désactivés"), default=list, blank=True)

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
        DATA_EXPORT_REQUESTED = "data_export_requested", _("Données du foyer demandées")
        DATA_EXPORT_READY = "data_export_ready", _("Données du foyer prêtes, lien envoyé")
        REMINDERS_SENT = "reminders_sent", _("Rappels envoyés par e-mail")
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

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> NoReturn:
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


class StaffJob(models.Model):
    """Long staff work running in the background (espace_famille.jobs): its progress and result.

    A kind runs once at a time: the partial unique constraint refuses a second queued or running
    job of the same kind, on SQLite and PostgreSQL alike. Staff find their jobs on the admin's
    home page, running or finished, even after they left the progress page.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("En attente")
        RUNNING = "running", _("En cours")
        SUCCEEDED = "succeeded", _("Terminée")
        FAILED = "failed", _("Échouée")

    LIVE = (State.QUEUED, State.RUNNING)

    kind = models.CharField(_("tâche"), max_length=60)
    label = models.CharField(_("précision"), max_length=120, blank=True)
    params = models.JSONField(_("paramètres"), default=dict, blank=True)
    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(_("fait"), default=0)
    total = models.PositiveIntegerField(_("à faire"), default=0)
    result = models.JSONField(_("résultat"), default=dict, blank=True)
    error = models.TextField(_("erreur"), blank=True)
    started_by = models.ForeignKey(
        User,
        verbose_name=_("lancée par"),
        null=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    created_at = models.DateTimeField(_("lancée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("dernière nouvelle"), auto_now=True)
    finished_at = models.DateTimeField(_("finie le"), null=True, blank=True)

    class Meta:
        verbose_name = _("tâche de fond")
        verbose_name_plural = _("tâches de fond")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(state__in=["queued", "running"]),
                name="staffjob_one_live_per_kind",
            )
        ]
        indexes = [models.Index(fields=["-created_at"], name="staffjob_newest_idx")]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_state_display()})"

    @property
    def title(self) -> str:
        from espace_famille.registry import job_kinds

        kind = job_kinds.get(self.kind)
        label = str(kind.title) if kind else self.kind
        return f"{label} — {self.label}" if self.label else label

    @property
    def percent(self) -> int:
        if self.state == self.State.SUCCEEDED:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def is_live(self) -> bool:
        return self.state in self.LIVE


def data_export_upload_to(instance: models.Model, filename: str) -> str:
    import secrets

    return f"exports/{secrets.token_hex(16)}.zip"


class DataExport(models.Model):
    """Mes données prepared in the background: the household's ZIP, kept MY_DATA_LINK_DAYS.

    Written by `export.export_request`, filled by the `build_household_export` task, served only
    to a parent of the same household through a signed link (`export.download_token`), erased
    with its file once expired (`manage.py retention`, step "exports").
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("En préparation")
        READY = "ready", _("Prêt")
        FAILED = "failed", _("Échec")

    family = models.ForeignKey(
        "famille.Family",
        verbose_name=_("famille"),
        related_name="data_exports",
        on_delete=models.PROTECT,
    )
    requested_by = models.ForeignKey(
        User,
        verbose_name=_("demandé par"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    file = models.FileField(_("fichier"), upload_to=data_export_upload_to, blank=True)
    size = models.PositiveBigIntegerField(_("taille"), default=0)
    created_at = models.DateTimeField(_("demandé le"), auto_now_add=True, db_index=True)
    ready_at = models.DateTimeField(_("prêt le"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expire le"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("export « Mes données »")
        verbose_name_plural = _("exports « Mes données »")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["family", "created_at"])]

    def __str__(self) -> str:
        return str(_("Export n° %(pk)s") % {"pk": self.pk})


class SentReminder(models.Model):
    """A reminder sent to a household (espace_famille.reminders): its key is unique per
    household, so the same event is never sent twice, whatever runs or restarts."""

    family = models.ForeignKey(
        "famille.Family",
        verbose_name=_("famille"),
        related_name="sent_reminders",
        on_delete=models.CASCADE,
    )
    kind = models.CharField(_("type"), max_length=40)
    key = models.CharField(_("événement"), max_length=120)
    sent_on = models.DateField(_("envoyé le"), db_index=True)
    created_at = models.DateTimeField(_("enregistré le"), auto_now_add=True)

    class Meta:
        verbose_name = _("rappel envoyé")
        verbose_name_plural = _("rappels envoyés")
        constraints = [models.UniqueConstraint(fields=["family", "key"], name="sent_reminder_once")]

    def __str__(self) -> str:
        return f"{self.family_id} {self.key}"


audit_kinds.register(AuditEvent.Kind)
