"""Anonymisation of a departed household, famille's part: the household, its people and their
change requests. The rows stay (bookings and invoices refer to them) with neutral values."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from espace_famille.anonymisation import Item, scrub_admin_history
from espace_famille.formatting import model_field
from famille.models import CHILD_FIELDS, HEALTH_FIELDS, OTHER_FIELDS, ChangeRequest, Family, Member

PLACEHOLDER_NAME = "Anonyme"
_ROLE_WORDS: dict[str, str] = {
    Member.Role.PARENT: "Parent",
    Member.Role.CHILD: "Enfant",
    Member.Role.OTHER: "Personne",
}


def anonymised_name(family: Family) -> str:
    return f"Foyer anonymisé n° {family.pk}"


def household_erase(family: Family, *, apply: bool) -> list[Item]:
    members = list(Member.objects.filter(family=family).order_by("pk"))
    requests = ChangeRequest.objects.filter(family=family)
    request_count = requests.count()
    items = [
        Item(
            _("Foyer : nom, adresse, téléphones, e-mail, payeur et quotient familial remplacés"),
            1,
            [family.name, family.address, family.city, family.phone, family.email],
        )
    ]
    if members:
        items.append(
            Item(
                ngettext(
                    "%(n)d personne : nom, date de naissance, coordonnées, école, fiche santé "
                    "et autorisations effacés",
                    "%(n)d personnes : noms, dates de naissance, coordonnées, écoles, fiches "
                    "santé et autorisations effacés",
                    len(members),
                )
                % {"n": len(members)},
                len(members),
                [
                    f"{m.first_name} {m.last_name} ({m.get_role_display()})"
                    + (
                        " — " + _("fiche santé")
                        if any(getattr(m, f) for f in HEALTH_FIELDS)
                        else ""
                    )
                    for m in members
                ],
            )
        )
    if request_count:
        items.append(
            Item(
                ngettext(
                    "%(n)d demande de modification effacée",
                    "%(n)d demandes de modification effacées",
                    request_count,
                )
                % {"n": request_count},
                request_count,
            )
        )
    if apply:
        scrub_admin_history(ChangeRequest, requests.values_list("pk", flat=True))
        requests.delete()
        for position, member in enumerate(members, start=1):
            member.first_name = f"{_ROLE_WORDS.get(member.role, 'Personne')} {position}"
            member.last_name = PLACEHOLDER_NAME
            member.birth_date = None
            member.phone = ""
            member.email = ""
            for name in CHILD_FIELDS + OTHER_FIELDS:
                default = model_field(Member, name).get_default()
                setattr(member, name, default)
            member.save()
        scrub_admin_history(Member, [m.pk for m in members])
        family.name = anonymised_name(family)
        for name in ("address", "postal_code", "city", "phone", "phone2", "email", "payer_name"):
            setattr(family, name, "")
        family.quotient_familial = None
        family.quotient_familial_date = None
        family.is_active = False
        family.anonymised_at = timezone.now()
        family.save()
        scrub_admin_history(Family, [family.pk])
    return items
