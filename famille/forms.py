"""Forms of the famille pages, built from the structure's field policy."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from espace_famille.registry import ReminderKind
from espace_famille.reminders import wants
from famille.models import Family, Member

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
from famille.selectors import Policy
from famille.values import deserialize, display, label, model_field, serialize

# Sections of a record, in the order of the page.
GROUPS: list[tuple[StrOrPromise, list[str]]] = [
    (gettext_lazy("Identité"), ["name", "first_name", "last_name", "birth_date"]),
    (
        gettext_lazy("Coordonnées"),
        ["address", "postal_code", "city", "phone", "phone2", "email", "relationship"],
    ),
    (gettext_lazy("Facturation"), ["payer_name", "quotient_familial", "quotient_familial_date"]),
    (gettext_lazy("Scolarité"), ["school", "school_class"]),
    (
        gettext_lazy("Santé"),
        ["doctor_name", "doctor_phone", "allergies", "dietary_needs", "has_pai"],
    ),
    (
        gettext_lazy("Autorisations"),
        [
            "photo_allowed",
            "may_leave_alone",
            "transport_allowed",
            "can_pick_up",
            "is_emergency_contact",
        ],
    ),
]


class RecordForm(forms.ModelForm):
    """Validates what a parent typed; it never saves (a change request does)."""

    def clean_birth_date(self) -> datetime.date | None:
        value = self.cleaned_data.get("birth_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("La date de naissance ne peut pas être dans le futur."))
        return value

    def groups(self) -> list[tuple[StrOrPromise, list[forms.BoundField]]]:
        result = []
        for title, names in GROUPS:
            fields = [self[name] for name in names if name in self.fields]
            if fields:
                result.append((title, fields))
        return result


def _widget(field: models.Field) -> forms.Widget | None:
    if isinstance(field, models.DateField):
        return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    if isinstance(field, models.TextField):
        return forms.Textarea(attrs={"rows": 3})
    return None


def record_form(
    *,
    model: type[Family] | type[Member],
    instance: Family | Member | None,
    fields: list[str],
    policies: dict[str, Policy],
    pending: dict[str, str] | None = None,
    data: Mapping[str, Any] | None = None,
    force_required: tuple[str, ...] = (),
) -> RecordForm:
    """A form with the fields parents may edit; pending values are shown as typed."""
    editable = [name for name in fields if policies[name].editable or name in force_required]
    widgets: dict[str, type[forms.Widget] | forms.Widget] = {
        name: w for name in editable if (w := _widget(model_field(model, name)))
    }
    # The factory subclasses `form`: the class it returns is a RecordForm.
    form_class = cast(
        "type[RecordForm]",
        forms.modelform_factory(model, form=RecordForm, fields=editable, widgets=widgets),
    )
    pending = pending or {}
    initial = {}
    for name, raw in pending.items():
        if name in editable:
            initial[name] = deserialize(model_field(model, name), raw)
    # The instance is a copy: validation writes to it, the record must stay untouched.
    copy = _copy(model, instance)
    form = form_class(data=data, instance=copy, initial=initial)
    for name, field in form.fields.items():
        policy = policies[name]
        is_bool = isinstance(field, forms.BooleanField)
        field.required = not is_bool and (policy.required or name in force_required)
        if name in pending and instance is not None:
            recorded = getattr(instance, name)
            # The shared field template prints help_text with |safe: the saved value
            # (typed by a parent) is escaped here, the sentence too.
            field.help_text = format_html(
                "{}",
                _("Modification en attente de validation. Valeur enregistrée : %(value)s")
                % {"value": display(model_field(model, name), serialize(recorded))},
            )
            field.widget.attrs["data-pending"] = "1"
    return form


def _copy(model: type[models.Model], instance: models.Model | None) -> models.Model:
    if instance is None:
        return model()
    copy = model()
    for field in model._meta.concrete_fields:
        setattr(copy, field.attname, getattr(instance, field.attname))
    return copy


def readonly_facts(
    *, model: type[models.Model], instance: models.Model, fields: list[str], policies: dict
) -> list[tuple[str, str]]:
    """(label, value) of the visible fields parents may not edit."""
    return [
        (label(model, name), display(model_field(model, name), serialize(getattr(instance, name))))
        for name in fields
        if policies[name].access == "readonly"
    ]


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Motif du refus (envoyé à la famille)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReminderChoicesForm(forms.Form):
    """Ma famille: one checkbox per reminder kind the structure sends."""

    def __init__(
        self, *args: Any, kinds: list[ReminderKind], choices: dict[str, Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kinds = kinds
        for kind in kinds:
            self.fields[kind.key] = forms.BooleanField(
                label=kind.label, required=False, initial=wants(choices, kind)
            )

    def choices(self) -> dict[str, bool]:
        return {kind.key: bool(self.cleaned_data.get(kind.key)) for kind in self.kinds}
