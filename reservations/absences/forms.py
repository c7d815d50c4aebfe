"""The parent's declaration of absence: reason, last day, comment, certificate."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from documents.forms import MultipleFileField, MultipleFileInput
from documents.services import max_upload_bytes
from espace_famille.uploads import ACCEPT, size_label
from reservations.absences.models import AbsencePolicy, AbsenceReason


class AbsenceForm(forms.Form):
    reason = forms.ChoiceField(label=_("Motif de l'absence"))
    last_day = forms.DateField(
        label=_("Dernier jour d'absence"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Laissez vide pour ce seul jour."),
    )
    comment = forms.CharField(
        label=_("Précisions (facultatif)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    files = MultipleFileField(  # type: ignore[assignment]  # a declared field, not BaseForm.files
        label=_("Justificatif (certificat médical…)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPT, "multiple": True}),
    )

    def __init__(
        self, *args: Any, policy: AbsencePolicy, first_day: datetime.date, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.first_day = first_day
        labels = dict(AbsenceReason.choices)
        self.fields["reason"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            (code, labels[code]) for code in policy.reasons if code in labels
        ]
        files = self.fields["files"]
        files.required = policy.certificate_required
        files.error_messages["required"] = _(
            "Joignez le justificatif : il est demandé pour cette activité."
        )
        files.help_text = _(
            "PDF, JPEG ou PNG, %(max)s au plus. Sur un téléphone, prenez le certificat en "
            "photo ; plusieurs photos sont assemblées en un seul PDF."
        ) % {"max": size_label(max_upload_bytes())}

    def clean_last_day(self) -> datetime.date | None:
        last_day = self.cleaned_data.get("last_day")
        if last_day is not None and last_day < self.first_day:
            raise ValidationError(_("Le dernier jour d'absence ne peut précéder le premier."))
        return last_day
