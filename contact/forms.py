"""Forms of the contact page: a new conversation and a reply."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from contact.uploads import FileKind, check_attachment, max_bytes


class AttachmentForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )
    attachment = forms.FileField(
        label=_("Pièce jointe (facultative)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["attachment"].help_text = _("PDF, JPEG ou PNG, %(size)s Mo au plus.") % {
            "size": f"{max_bytes() / 1024 / 1024:g}"
        }
        self.attachment_kind: FileKind | None = None

    def clean_attachment(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("attachment")
        if upload:
            self.attachment_kind = check_attachment(upload)
        return upload


class ThreadForm(AttachmentForm):
    subject = forms.CharField(label=_("Objet"), max_length=200)

    field_order = ["subject", "body", "attachment"]


class ReplyForm(AttachmentForm):
    pass
