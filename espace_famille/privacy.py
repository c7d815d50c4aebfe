"""What the portal does with personal data, for the "Données personnelles" page.

One list of processing activities, read by the page; docs/rgpd.md (the record of processing
activities) follows the same list and names the code that enforces each retention period.
Retention periods come from the RETENTION_* settings.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class Processing:
    name: str
    data: str
    purpose: str
    legal_basis: str
    retention: str


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: str
    lifetime: str


def _years(n: int) -> str:
    return ngettext("%(n)d an", "%(n)d ans", n) % {"n": n}


def _days(n: int) -> str:
    if n % 365 == 0:
        return _years(n // 365)
    return ngettext("%(n)d jour", "%(n)d jours", n) % {"n": n}


def processing_activities() -> list[Processing]:
    """The processing activities of the portal, with the structure's retention periods."""
    departed = _years(settings.RETENTION_DEPARTED_FAMILY_YEARS)
    accounting = _years(settings.RETENTION_ACCOUNTING_YEARS)
    return [
        Processing(
            name=_("Compte et fiches de la famille"),
            data=_(
                "Noms, prénoms, dates de naissance, adresse, téléphones, e-mails des membres du "
                "foyer, personnes autorisées à venir chercher les enfants et à prévenir en cas "
                "d'urgence, autorisations (photo, sortie seul, transport)."
            ),
            purpose=_(
                "Accueillir les enfants, joindre les parents, savoir qui peut venir chercher "
                "l'enfant."
            ),
            legal_basis=_(
                "Exécution du contrat d'accueil ou de la mission de service public de la "
                "structure (RGPD, article 6-1 b ou e)."
            ),
            retention=_(
                "Tant que la famille fréquente la structure, puis %(departed)s après son départ ; "
                "un compte sans activité depuis %(inactive)s est clos."
            )
            % {"departed": departed, "inactive": _years(settings.RETENTION_INACTIVE_ACCOUNT_YEARS)},
        ),
        Processing(
            name=_("Santé de l'enfant"),
            data=_("Allergies, régime alimentaire, PAI, médecin traitant et son téléphone."),
            purpose=_(
                "Protéger la santé de l'enfant pendant l'accueil (repas, traitements, urgences)."
            ),
            legal_basis=_(
                "Consentement explicite des parents et sauvegarde des intérêts vitaux de "
                "l'enfant (RGPD, articles 9-2 a et c). Seuls les membres du personnel qui en ont "
                "besoin les voient, et chaque consultation est enregistrée."
            ),
            retention=_("Jusqu'au départ de l'enfant, puis %(departed)s.") % {"departed": departed},
        ),
        Processing(
            name=_("Inscriptions et réservations"),
            data=_("Activités, inscriptions, réservations, présences, listes d'attente."),
            purpose=_("Organiser l'accueil, les places et le personnel ; préparer la facturation."),
            legal_basis=_("Exécution du contrat d'accueil (RGPD, article 6-1 b)."),
            retention=_(
                "Tant que la famille fréquente la structure, puis %(departed)s ; les réservations "
                "facturées suivent la durée des factures."
            )
            % {"departed": departed},
        ),
        Processing(
            name=_("Documents justificatifs"),
            data=_(
                "Pièces demandées par la structure (attestations, certificats médicaux, "
                "assurance, justificatifs de quotient familial…)."
            ),
            purpose=_("Vérifier les conditions d'inscription et d'accueil."),
            legal_basis=_(
                "Exécution du contrat d'accueil et obligations légales de la structure "
                "(RGPD, article 6-1 b et c)."
            ),
            retention=_("Jusqu'au départ de la famille, puis %(documents)s.")
            % {"documents": _days(settings.RETENTION_DOCUMENTS_AFTER_LEAVING_DAYS)},
        ),
        Processing(
            name=_("Facturation et paiements"),
            data=_(
                "Payeur, quotient familial, factures, avoirs, paiements et leur moyen "
                "(le numéro de carte n'est jamais connu du portail)."
            ),
            purpose=_("Facturer l'accueil, encaisser les paiements, tenir la comptabilité."),
            legal_basis=_(
                "Exécution du contrat et obligation légale comptable (RGPD, article 6-1 b et c)."
            ),
            retention=_(
                "%(years)s à compter de la clôture de l'exercice (obligation comptable), "
                "même après le départ de la famille."
            )
            % {"years": accounting},
        ),
        Processing(
            name=_("Messages avec la structure"),
            data=_("Conversations et pièces jointes envoyées par la page Contact."),
            purpose=_("Répondre aux questions des familles."),
            legal_basis=_("Exécution du contrat d'accueil (RGPD, article 6-1 b)."),
            retention=_("%(years)s après le dernier message de la conversation.")
            % {"years": _years(settings.RETENTION_MESSAGES_YEARS)},
        ),
        Processing(
            name=_("Sécurité du compte"),
            data=_(
                "Connexions et échecs de connexion (date, adresse IP), journal des actions "
                "faites sur le compte."
            ),
            purpose=_(
                "Protéger les comptes contre les accès frauduleux et garder la trace des "
                "modifications."
            ),
            legal_basis=_("Obligation de sécurité de la structure (RGPD, articles 6-1 c et 32)."),
            retention=_(
                "Historique des connexions : %(logins)s ; actions liées aux factures et aux "
                "paiements : %(accounting)s."
            )
            % {"logins": _days(settings.RETENTION_LOGIN_HISTORY_DAYS), "accounting": accounting},
        ),
    ]


def cookies() -> list[Cookie]:
    """The only cookies the portal sets: all strictly necessary, so no consent is asked."""
    return [
        Cookie(
            name=settings.SESSION_COOKIE_NAME,
            purpose=_("Vous garder connecté d'une page à l'autre."),
            lifetime=_days(max(1, settings.SESSION_COOKIE_AGE // 86400)),
        ),
        Cookie(
            name=settings.CSRF_COOKIE_NAME,
            purpose=_("Protéger vos formulaires contre l'envoi par un autre site."),
            lifetime=_days(max(1, settings.CSRF_COOKIE_AGE // 86400)),
        ),
        Cookie(
            name=settings.LANGUAGE_COOKIE_NAME,
            purpose=_("Retenir la langue choisie en bas de page, seulement si vous en changez."),
            lifetime=_days(max(1, (settings.LANGUAGE_COOKIE_AGE or 0) // 86400))
            if settings.LANGUAGE_COOKIE_AGE
            else _("jusqu'à la fermeture du navigateur"),
        ),
    ]


def payment_recipient() -> str:
    """The payment provider named among the recipients, if online payment is on."""
    if settings.PAYMENT_PROVIDER == "stripe":
        return "Stripe"
    return ""
