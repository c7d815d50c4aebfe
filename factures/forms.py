"""Forms of Mes factures."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from factures.models import Payment


class InvoiceFilterForm(forms.Form):
    STATES = [("a-payer", _("À payer")), ("soldees", _("Soldées"))]

    etat = forms.ChoiceField(label=_("Factures"), choices=STATES, required=False)
    du = forms.DateField(
        label=_("Période du"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    au = forms.DateField(
        label=_("au"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("du") and data.get("au") and data["au"] < data["du"]:
            self.add_error("au", _("La fin de la période précède son début."))
        return data


class OfflinePaymentForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Mode de règlement"),
        choices=[
            c
            for c in Payment.Method.choices
            if c[0] not in (Payment.Method.ONLINE, Payment.Method.DIRECT_DEBIT)
        ],
    )
    amount = forms.DecimalField(label=_("Montant (€)"), max_digits=10, decimal_places=2)
    reference = forms.CharField(
        label=_("Référence (n° de chèque…)"), max_length=255, required=False
    )


class CreditNoteForm(forms.Form):
    amount = forms.DecimalField(label=_("Montant de l'avoir (€)"), max_digits=10, decimal_places=2)
    reason = forms.CharField(label=_("Motif"), max_length=150)


class AttestationYearForm(forms.Form):
    annee = forms.TypedChoiceField(label=_("Année"), coerce=int)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year = self.fields["annee"]
        if isinstance(year, forms.ChoiceField):
            year.choices = [(value, value) for value in years]
