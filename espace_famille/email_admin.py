"""Staff see every email the portal handed to the mail server, and send failed ones again."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from espace_famille.admin_security import StaffModelAdmin, staff_user
from espace_famille.emails import email_resend
from espace_famille.models import EmailDelivery


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(StaffModelAdmin):
    list_display = ["created_at", "subject", "recipients", "status", "attempts", "last_attempt_at"]
    list_filter = ["status", "template", "created_at"]
    search_fields = ["subject", "to"]
    date_hierarchy = "created_at"
    actions = ["action_resend"]
    readonly_fields = [
        "created_at",
        "template",
        "to",
        "reply_to",
        "subject",
        "text",
        "status",
        "attempts",
        "last_attempt_at",
        "next_attempt_at",
        "sent_at",
        "last_error",
    ]
    fields = tuple(readonly_fields)

    @admin.display(description=_("destinataires"))
    def recipients(self, delivery: EmailDelivery) -> str:
        return ", ".join(delivery.to)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description=_("Renvoyer les e-mails sélectionnés"), permissions=["change"])
    def action_resend(self, request: HttpRequest, queryset: QuerySet[EmailDelivery]) -> None:
        count = 0
        for delivery in queryset.exclude(status=EmailDelivery.Status.SENT):
            email_resend(delivery=delivery, by=staff_user(request))
            count += 1
        messages.success(
            request,
            ngettext("%(n)d e-mail remis à l'envoi.", "%(n)d e-mails remis à l'envoi.", count)
            % {"n": count},
        )
