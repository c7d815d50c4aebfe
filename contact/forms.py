"""Forms of the contact page: a new conversation and a reply."""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from espace_famille.uploads import ACCEPT, CleanFile, clean_upload, size_label


class AttachmentForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )
    attachment = forms.FileField(
        label=_("Pièce jointe (facultative)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachment"].help_text = _("PDF, JPEG ou PNG, %(size)s au plus.") % {
            "size": size_label(settings.CONTACT_ATTACHMENT_MAX_BYTES)
        }
        self.attachment_clean: CleanFile | None = None

    def clean_attachment(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("attachment")
        if upload:
            self.attachment_clean = clean_upload(
                [upload], max_bytes=settings.CONTACT_ATTACHMENT_MAX_BYTES, join_photos=False
            )
        return upload


class ThreadForm(AttachmentForm):
    subject = forms.CharField(label=_("Objet"), max_length=200)

    field_order = ["subject", "body", "attachment"]

    def clean_subject(self) -> str:
        """One line: line breaks and tabs become a space, other control characters go."""
        value = "".join(
            " " if unicodedata.category(ch) == "Cc" else ch for ch in self.cleaned_data["subject"]
        )
        value = " ".join(value.split())
        if not value:
            raise forms.ValidationError(_("Indiquez l'objet de votre message."))
        return value


class ReplyForm(AttachmentForm):
    pass
