"""Forms of the documents pages and of the admin."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from documents.models import StructureDocument
from documents.services import max_upload_bytes
from espace_famille.uploads import ACCEPT, clean_upload, size_label


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else super().clean(data, initial)


class UploadForm(forms.Form):
    """One PDF, or one or several photos (joined into one PDF)."""

    files = MultipleFileField(  # type: ignore[assignment]  # a declared field, not BaseForm.files
        label=_("Fichier ou photos"),
        widget=MultipleFileInput(attrs={"accept": ACCEPT, "multiple": True}),
        error_messages={"required": _("Choisissez un fichier.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _(
            "PDF, JPEG ou PNG, %(max)s au plus. Sur un téléphone, vous pouvez prendre le document "
            "en photo ; plusieurs photos (recto et verso) sont assemblées en un seul PDF."
        ) % {"max": size_label(max_upload_bytes())}


class StructureDocumentForm(forms.ModelForm):
    """Admin form: the file is checked like the families' ones, stored under a random name."""

    upload = forms.FileField(
        label=_("fichier"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
        help_text=_("PDF, JPEG ou PNG."),
    )

    class Meta:
        model = StructureDocument
        fields = [
            "title",
            "description",
            "category",
            "published_on",
            "is_published",
            "return_type",
        ]

    def clean_upload(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("upload")
        if upload is None:
            if not (self.instance.pk and self.instance.file):
                raise ValidationError(_("Choisissez le fichier à publier."))
            return None
        # The same checks and French messages as for families.
        clean_upload([upload], max_bytes=max_upload_bytes())
        return upload
