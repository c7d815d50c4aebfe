"""Forms of the booking pages."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from inscriptions.models import WEEKDAYS, Unit


class IdListField(forms.Field):
    """Several integer ids posted under one name (the ticked cells)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        if not isinstance(value, list | tuple):
            value = [value]
        try:
            return sorted({int(v) for v in value})
        except (TypeError, ValueError):
            raise ValidationError(_("Case inconnue."), code="invalid") from None


class PlanningChangesForm(forms.Form):
    book = IdListField(required=False)
    cancel = IdListField(required=False)
    join = IdListField(required=False)
    leave = IdListField(required=False)
    ask = IdListField(required=False)  # a day of a registration campaign
    unask = IdListField(required=False)

    ACTIONS = ("book", "cancel", "join", "leave", "ask", "unask")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(name) for name in self.ACTIONS):
            raise ValidationError(_("Cochez au moins une case avant de valider."))
        return data


JUMP_MIN = datetime.date(2000, 1, 1)
JUMP_MAX = datetime.date(2100, 12, 31)


class JumpForm(forms.Form):
    date = forms.DateField(
        label=_("Aller à la date"),
        required=False,
        widget=forms.DateInput(
            attrs={"type": "date", "min": JUMP_MIN.isoformat(), "max": JUMP_MAX.isoformat()},
            format="%Y-%m-%d",
        ),
    )

    def clean_date(self) -> datetime.date | None:
        day = self.cleaned_data["date"]
        if day is not None and not JUMP_MIN <= day <= JUMP_MAX:
            raise forms.ValidationError(
                _("Choisissez une date entre le %(min)s et le %(max)s."),
                code="out_of_range",
                params={
                    "min": formats.date_format(JUMP_MIN, "SHORT_DATE_FORMAT"),
                    "max": formats.date_format(JUMP_MAX, "SHORT_DATE_FORMAT"),
                },
            )
        return day


class TypicalWeekForm(forms.Form):
    cells = forms.MultipleChoiceField(
        label=_("Les jours à réserver chaque semaine"),
        widget=forms.CheckboxSelectMultiple,
    )
    start = forms.DateField(
        label=_("À partir du"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("Jusqu'au (inclus)"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Par exemple la veille des prochaines vacances."),
    )

    def __init__(self, *args: Any, units: list[Unit], today: datetime.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.units = units
        names = dict(WEEKDAYS)
        cells = self.fields["cells"]
        if not isinstance(cells, forms.ChoiceField):
            raise TypeError("a ChoiceField was expected")
        cells.choices = [
            (f"{unit.pk}-{day}", f"{unit.activity.name} — {unit.name} : {names[day]}")
            for unit in units
            for day in sorted(unit.weekday_numbers)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and start < self.today:
            self.add_error("start", _("Choisissez une date à venir."))
        if start and end:
            if end < start:
                self.add_error("end", _("La date de fin doit suivre la date de début."))
            elif (end - start).days > 366:
                self.add_error("end", _("Une année au plus."))
        return data

    @property
    def pattern(self) -> set[tuple[int, int]]:
        pairs = (value.split("-") for value in self.cleaned_data["cells"])
        return {(int(unit), int(day)) for unit, day in pairs}
