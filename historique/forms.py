"""The period filter of the history pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from historique.selectors import MONTH, WEEK


class PeriodForm(forms.Form):
    periode = forms.ChoiceField(
        label=_("Afficher par"),
        choices=[(WEEK, _("Semaine")), (MONTH, _("Mois"))],
        required=False,
    )
    date = forms.DateField(
        label=_("Période contenant le"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
