"""Forms of the enrolment pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from inscriptions.models import Activity


class EnrolmentFilterForm(forms.Form):
    PERIODS = [
        ("", _("Toutes")),
        ("current", _("En cours")),
        ("coming", _("À venir")),
        ("past", _("Passées")),
    ]
    periode = forms.ChoiceField(label=_("Période"), choices=PERIODS, required=False)
    activite = forms.ModelChoiceField(
        label=_("Activité"),
        queryset=Activity.objects.none(),
        required=False,
        empty_label=_("Toutes"),
    )

    def __init__(self, *args: Any, activities: QuerySet[Activity], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["activite"]
        if not isinstance(field, forms.ModelChoiceField):
            raise TypeError("a ModelChoiceField was expected")
        field.queryset = activities


class EnrolmentRequestForm(forms.Form):
    activity = forms.ModelChoiceField(
        label=_("Activité"), queryset=Activity.objects.none(), empty_label=None
    )
    comment = forms.CharField(
        label=_("Précisions pour la structure"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, activities: QuerySet[Activity], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["activity"]
        if not isinstance(field, forms.ModelChoiceField):
            raise TypeError("a ModelChoiceField was expected")
        field.queryset = activities
