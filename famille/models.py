"""The household (famille), the people in it, the field policy and the change requests."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from espace_famille.formatting import model_field

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
_PHONE = re.compile(r"^(0\d{9}|\+\d{8,15}|00\d{8,15})$")


def validate_phone(value: str) -> None:
    """A French number (10 digits) or an international one (+ and 8 to 15 digits)."""
    if value and not _PHONE.match(_PHONE_SEPARATORS.sub("", value)):
        raise ValidationError(
            _("Saisissez un numéro de téléphone valide, par exemple 06 12 34 56 78."),
            code="invalid_phone",
        )


class Family(models.Model):
    """A household: one account on the portal, one or two parent logins."""

    name = models.CharField(_("nom de la famille"), max_length=150, db_index=True)
    address = models.CharField(_("adresse"), max_length=250, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("ville"), max_length=100, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True, validators=[validate_phone])
    phone2 = models.CharField(
        _("autre téléphone"), max_length=30, blank=True, validators=[validate_phone]
    )
    email = models.EmailField(_("e-mail du foyer"), blank=True)
    payer_name = models.CharField(
        _("payeur"),
        max_length=150,
        blank=True,
        help_text=_("Personne au nom de qui les factures sont établies."),
    )
    quotient_familial = models.PositiveIntegerField(
        _("quotient familial"), null=True, blank=True, help_text=_("En euros, selon la CAF.")
    )
    quotient_familial_date = models.DateField(_("date du quotient familial"), null=True, blank=True)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Décocher quand la famille quitte la structure.")
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    # Retention: a household that left is anonymised RETENTION_DEPARTED_FAMILY_YEARS after.
    left_on = models.DateField(
        _("partie le"),
        null=True,
        blank=True,
        help_text=_(
            "Rempli quand la famille n'est plus active ; point de départ de sa durée "
            "de conservation."
        ),
    )
    anonymised_at = models.DateTimeField(_("anonymisée le"), null=True, blank=True)
    # The household's choice per reminder kind ({key: true/false}); a kind it never chose
    # follows its default (espace_famille.reminders).
    reminder_choices = models.JSONField(
        _("choix des rappels par e-mail"), default=dict, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("famille")
        verbose_name_plural = _("familles")
        ordering = ["name", "pk"]
        permissions = [
            ("anonymise_family", _("Peut anonymiser une famille partie (irréversible)")),
        ]

    def __str__(self) -> str:
        return str(_("Famille %(name)s") % {"name": self.name})

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The day it left: set when "active" is unticked, cleared when it comes back.
        if self.is_active:
            self.left_on = None
        elif self.left_on is None:
            from django.utils import timezone

            self.left_on = timezone.localdate()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "is_active" in update_fields:
            kwargs["update_fields"] = {*update_fields, "left_on"}
        super().save(*args, **kwargs)


class Member(models.Model):
    """A person of the household: parent or guardian, child, or another person.

    Authorised pick-up persons and emergency contacts are members with the role "other" and
    the matching flags: they are people of the household's circle, changed by the same
    workflow as everybody else, and every child of the household refers to the same list.
    """

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
    phone = models.CharField(_("téléphone"), max_length=30, blank=True, validators=[validate_phone])
    email = models.EmailField(_("e-mail"), blank=True)
    # Parents: read by the campaigns' priority rule "both parents working" (set by staff).
    works = models.BooleanField(
        _("exerce une activité professionnelle"),
        default=False,
        help_text=_("Parents : justificatif vu par la structure (priorité des campagnes)."),
    )
    # Children's records.
    school = models.CharField(_("école"), max_length=150, blank=True)
    school_class = models.CharField(_("classe"), max_length=50, blank=True)
    doctor_name = models.CharField(_("médecin traitant"), max_length=150, blank=True)
    doctor_phone = models.CharField(
        _("téléphone du médecin"), max_length=30, blank=True, validators=[validate_phone]
    )
    allergies = models.TextField(_("allergies"), blank=True)
    dietary_needs = models.TextField(_("régime alimentaire"), blank=True)
    has_pai = models.BooleanField(
        _("PAI (projet d'accueil individualisé)"),
        default=False,
        help_text=_("Cochez si l'enfant bénéficie d'un PAI."),
    )
    photo_allowed = models.BooleanField(_("autorisation de photographier"), default=False)
    may_leave_alone = models.BooleanField(_("autorisation de partir seul"), default=False)
    transport_allowed = models.BooleanField(
        _("autorisation de transport (sorties en car)"), default=False
    )
    # Other persons: relationship and role towards the children.
    relationship = models.CharField(
        _("lien avec l'enfant"),
        max_length=100,
        blank=True,
        help_text=_("Grand-parent, voisin, assistante maternelle…"),
    )
    can_pick_up = models.BooleanField(_("autorisé à venir chercher les enfants"), default=False)
    is_emergency_contact = models.BooleanField(_("à prévenir en cas d'urgence"), default=False)

    class Meta:
        verbose_name = _("membre")
        verbose_name_plural = _("membres")
        ordering = ["family", "role", "birth_date", "first_name"]
        permissions = [
            ("view_health_record", _("Peut consulter les fiches santé (allergies, PAI, médecin)"))
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


# Fields a structure may open to parents, by record; the policy names them.
FAMILY_FIELDS = [
    "name",
    "address",
    "postal_code",
    "city",
    "phone",
    "phone2",
    "email",
    "payer_name",
    "quotient_familial",
    "quotient_familial_date",
]
MEMBER_COMMON_FIELDS = ["first_name", "last_name", "birth_date", "phone", "email"]
CHILD_FIELDS = [
    "school",
    "school_class",
    "doctor_name",
    "doctor_phone",
    "allergies",
    "dietary_needs",
    "has_pai",
    "photo_allowed",
    "may_leave_alone",
    "transport_allowed",
]
OTHER_FIELDS = ["relationship", "can_pick_up", "is_emergency_contact"]
# A child's health record: staff see it only with the permission famille.view_health_record,
# and every time they open it an audit row is written.
HEALTH_FIELDS = ["doctor_name", "doctor_phone", "allergies", "dietary_needs", "has_pai"]
HEALTH_PERMISSION = "famille.view_health_record"
ANONYMISE_PERMISSION = "famille.anonymise_family"
MEMBER_FIELDS = MEMBER_COMMON_FIELDS + CHILD_FIELDS + OTHER_FIELDS


def member_fields_for_role(role: str) -> list[str]:
    if role == Member.Role.CHILD:
        return MEMBER_COMMON_FIELDS + CHILD_FIELDS
    if role == Member.Role.OTHER:
        return MEMBER_COMMON_FIELDS + OTHER_FIELDS
    return list(MEMBER_COMMON_FIELDS)


def _field_choices() -> list[tuple[StrOrPromise, list[tuple[str, StrOrPromise]]]]:
    # The labels stay lazy: translated when a page shows them.
    family = [(name, model_field(Family, name).verbose_name) for name in FAMILY_FIELDS]
    member = [(name, model_field(Member, name).verbose_name) for name in MEMBER_FIELDS]
    return [(_("Foyer"), family), (_("Membre"), member)]


class FieldPolicy(models.Model):
    """The structure's choice for one field: may parents edit it, see it, must they fill it."""

    class Target(models.TextChoices):
        FAMILY = "family", _("Foyer")
        MEMBER = "member", _("Membre")

    class Access(models.TextChoices):
        EDITABLE = "editable", _("Modifiable par les parents")
        READONLY = "readonly", _("Visible, non modifiable")
        HIDDEN = "hidden", _("Masqué")

    target = models.CharField(_("fiche"), max_length=10, choices=Target.choices)
    field_name = models.CharField(_("champ"), max_length=50, choices=_field_choices())
    access = models.CharField(
        _("accès des parents"), max_length=10, choices=Access.choices, default=Access.EDITABLE
    )
    required = models.BooleanField(
        _("obligatoire"),
        default=False,
        help_text=_("Sans effet sur les cases à cocher (autorisations, PAI)."),
    )

    class Meta:
        verbose_name = _("règle de saisie")
        verbose_name_plural = _("règles de saisie des fiches")
        ordering = ["target", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["target", "field_name"], name="unique_field_policy")
        ]

    def __str__(self) -> str:
        return f"{self.get_target_display()} · {self.get_field_name_display()}"

    def clean(self) -> None:
        allowed = FAMILY_FIELDS if self.target == self.Target.FAMILY else MEMBER_FIELDS
        if self.field_name not in allowed:
            raise ValidationError({"field_name": _("Ce champ n'existe pas sur cette fiche.")})


class ChangeRequest(models.Model):
    """A parent's request to change a record (or add a member), decided by staff."""

    class Kind(models.TextChoices):
        FAMILY = "family", _("Foyer")
        MEMBER = "member", _("Membre")
        NEW_MEMBER = "new_member", _("Ajout d'un membre")
        DELETION = "deletion", _("Suppression du compte")

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente de validation")
        ACCEPTED = "accepted", _("Acceptée")
        REFUSED = "refused", _("Refusée")
        CANCELLED = "cancelled", _("Annulée")

    family = models.ForeignKey(
        Family,
        verbose_name=_("famille"),
        related_name="change_requests",
        on_delete=models.CASCADE,
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("membre"),
        related_name="change_requests",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("Pour un ajout : le membre créé une fois la demande acceptée."),
    )
    kind = models.CharField(_("objet"), max_length=12, choices=Kind.choices)
    new_member_role = models.CharField(
        _("rôle du membre à ajouter"), max_length=10, choices=Member.Role.choices, blank=True
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demandée par"),
        related_name="+",
        on_delete=models.PROTECT,
    )
    created_at = models.DateTimeField(_("demandée le"), auto_now_add=True, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("décidée par"),
        related_name="+",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    reason = models.TextField(_("motif du refus"), blank=True)
    family_seen_at = models.DateTimeField(
        _("décision vue par la famille le"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("demande de modification")
        verbose_name_plural = _("demandes de modification")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["family", "status"])]

    def __str__(self) -> str:
        return str(
            _("Demande n° %(pk)s — %(target)s") % {"pk": self.pk, "target": self.target_label}
        )

    @property
    def target_label(self) -> str:
        if self.kind == self.Kind.FAMILY:
            return str(_("foyer %(name)s") % {"name": self.family.name})
        if self.kind == self.Kind.DELETION:
            return str(_("suppression du compte du foyer %(name)s") % {"name": self.family.name})
        if self.kind == self.Kind.NEW_MEMBER and self.member_id is None:
            return str(_("nouveau membre"))
        return str(self.member)

    def target(self) -> Family | Member | None:
        if self.kind in (self.Kind.FAMILY, self.Kind.DELETION):
            return self.family
        return self.member

    @property
    def model(self) -> type[models.Model]:
        return Family if self.kind in (self.Kind.FAMILY, self.Kind.DELETION) else Member


class ChangeRequestItem(models.Model):
    """One field of a change request: the value when it was asked for, and the new one."""

    change_request = models.ForeignKey(
        ChangeRequest,
        verbose_name=_("demande"),
        related_name="items",
        on_delete=models.CASCADE,
    )
    field_name = models.CharField(_("champ"), max_length=50)
    old_value = models.TextField(_("valeur au moment de la demande"), blank=True)
    new_value = models.TextField(_("nouvelle valeur"), blank=True)

    class Meta:
        verbose_name = _("champ modifié")
        verbose_name_plural = _("champs modifiés")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.field_name


class SharedCustody(models.Model):
    """Shared custody (garde alternée): a child of one household also belongs to a second one.

    The child keeps its main household (`Member.family`); this row names the second. Each
    household has its own logins, address, payer, quotient familial, invoices and documents;
    both see the child's record and its own documents, and each books and pays its own days.
    """

    member = models.OneToOneField(
        Member,
        verbose_name=_("enfant"),
        related_name="shared_custody",
        on_delete=models.CASCADE,
    )
    family = models.ForeignKey(
        Family,
        verbose_name=_("second foyer"),
        related_name="shared_children",
        on_delete=models.CASCADE,
    )
    created_at = models.DateTimeField(_("déclarée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("garde alternée")
        verbose_name_plural = _("gardes alternées")
        ordering = ["pk"]

    def __str__(self) -> str:
        return str(
            _("%(member)s, aussi dans la famille %(family)s")
            % {"member": self.member, "family": self.family.name}
        )

    def clean(self) -> None:
        member = self.member if self.member_id else None
        if member is not None and member.role != Member.Role.CHILD:
            raise ValidationError(_("Seul un enfant peut avoir un second foyer."))
        if member is not None and self.family_id and member.family_id == self.family_id:
            raise ValidationError(
                {"family": _("Le second foyer doit être différent du foyer principal.")}
            )
