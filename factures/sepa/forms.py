"""Forms of the direct debit: the parent's subscription, staff's paper mandate and rejects."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from factures.sepa.banking import REJECT_REASONS, bic_validate, iban_validate

if TYPE_CHECKING:
    _FormBase = forms.Form  # the mixin is mixed into a Form: its super() is one
else:
    _FormBase = object


class BankAccountFieldsMixin(_FormBase):
    def clean_iban(self) -> str:
        return iban_validate(self.cleaned_data.get("iban", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "bic" in data:
            try:
                data["bic"] = bic_validate(data.get("bic", ""), iban=data.get("iban", ""))
            except ValidationError as exc:
                self.add_error("bic", exc)
        return data


class MandateSubscribeForm(BankAccountFieldsMixin, forms.Form):
    holder = forms.CharField(
        label=_("Titulaire du compte"),
        max_length=70,
        help_text=_("Nom et prénom tels qu'ils figurent sur votre relevé d'identité bancaire."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Saisissez le nom du titulaire du compte.")},
    )
    iban = forms.CharField(
        label=_("IBAN"),
        max_length=42,
        help_text=_("27 caractères pour un compte en France, commençant par FR76."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": _("Saisissez l'IBAN du compte à débiter.")},
    )
    bic = forms.CharField(
        label=_("BIC"),
        max_length=14,
        required=False,
        help_text=_(
            "Facultatif : 8 ou 11 caractères, sur votre RIB. Retrouvé depuis l'IBAN si vide."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    consent = forms.BooleanField(
        label=_("J'ai lu le texte du mandat ci-dessus et j'autorise ces prélèvements."),
        error_messages={
            "required": _("Cochez la case d'autorisation pour signer le mandat de prélèvement.")
        },
    )


class PaperMandateForm(BankAccountFieldsMixin, forms.Form):
    holder = forms.CharField(label=_("Titulaire du compte"), max_length=70)
    iban = forms.CharField(label=_("IBAN"), max_length=42)
    bic = forms.CharField(label=_("BIC"), max_length=14, required=False)
    signed_on = forms.DateField(
        label=_("Signé le"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class CollectionForm(forms.Form):
    collection_date = forms.DateField(
        label=_("Date de prélèvement"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "Les factures à payer des foyers ayant un mandat actif, pas encore prélevées. "
            "Chaque famille reçoit aussitôt l'avis de prélèvement."
        ),
    )


class RejectForm(forms.Form):
    code = forms.ChoiceField(
        label=_("Motif du rejet"),
        choices=[(code, f"{code} — {label}") for code, label in REJECT_REASONS.items()],
    )
    rejected_on = forms.DateField(
        label=_("Rejeté le"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_rejected_on(self) -> datetime.date:
        day = self.cleaned_data["rejected_on"]
        if day > timezone.localdate():
            raise ValidationError(_("La date du rejet ne peut pas être dans le futur."))
        return day


class RejectImportForm(forms.Form):
    report = forms.FileField(
        label=_("Compte rendu pain.002 de la banque (XML)"),
        help_text=_(
            "Les prélèvements rejetés (RJCT) du fichier sont enregistrés ; un fichier "
            "importé deux fois ne change rien."
        ),
    )

    def clean_report(self) -> bytes:
        upload = self.cleaned_data["report"]
        if upload.size > 5 * 1024 * 1024:
            raise ValidationError(
                _("Ce fichier dépasse 5 Mo : est-ce bien un compte rendu pain.002 ?")
            )
        return upload.read()
