"""The period filter of the history pages."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from historique.selectors import MONTH, WEEK

DATE_MIN = datetime.date(2000, 1, 1)
DATE_MAX = datetime.date(2100, 12, 31)


class PeriodForm(forms.Form):
    periode = forms.ChoiceField(
        label=_("Afficher par"),
        choices=[(WEEK, _("Semaine")), (MONTH, _("Mois"))],
        required=False,
    )
    date = forms.DateField(
        label=_("Période contenant le"),
        required=False,
        widget=forms.DateInput(
            attrs={"type": "date", "min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat()}
        ),
    )

    def clean_date(self) -> datetime.date | None:
        day = self.cleaned_data["date"]
        if day is not None and not DATE_MIN <= day <= DATE_MAX:
            raise forms.ValidationError(
                _("Choisissez une date entre le %(min)s et le %(max)s."),
                code="out_of_range",
                params={
                    "min": formats.date_format(DATE_MIN, "SHORT_DATE_FORMAT"),
                    "max": formats.date_format(DATE_MAX, "SHORT_DATE_FORMAT"),
                },
            )
        return day
