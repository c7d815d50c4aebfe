"""SystemPay / PayZen (Lyra: Banque Populaire, Caisse d'Épargne…) through eopayment's
`systempayv2` backend: a signed form posted by the parent's browser, a signed notification
(IPN) posted by the gateway, and a signed return. Several invoices in one transaction.

The signature is checked here with a constant-time comparison, and a notification signed for
another mode than ours (a TEST notification on a production server) is refused.
"""

from __future__ import annotations

import contextlib
import hmac
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

import eopayment
from django.urls import reverse
from eopayment import systempayv2
from eopayment.common import Form

from factures.models import Payment, ProviderEvent
from factures.payments import NotificationRejected, check_event_fields, providers
from factures.payments.events import event_process
from factures.payments.gateways import GatewayConfig, GatewayProvider, origin

if TYPE_CHECKING:
    from django.http import HttpRequest

CURRENCIES = {"978": "EUR"}
# vads_trans_status of a payment that will never be made.
CLOSED = {"ABANDONED", "CANCELLED", "EXPIRED", "NOT_CREATED"}


def _invoice_numbers(payment: Payment) -> str:
    return ", ".join(payment.invoices.order_by("number").values_list("number", flat=True))


@providers.register
class SystemPayProvider(GatewayProvider):
    name = "systempay"

    def backend(
        self, config: GatewayConfig, *, return_url: str = "", notify_url: str = ""
    ) -> eopayment.Payment:
        options = {
            "site_id": config.merchant_id,
            "ctx_mode": config.mode.upper(),
            "secret_test": config.key_test,
            "secret_production": config.key_production,
            "signature_algo": config.signature_algo,
            "normal_return_url": return_url,
            "automatic_return_url": notify_url,
        }
        if config.service_url:
            options["service_url"] = config.service_url
        return eopayment.Payment(eopayment.SYSTEMPAY, options)

    def page_origins(self) -> list[str]:
        config = self.config()
        return [origin(config.service_url or systempayv2.Payment.service_url)]

    def start(self, payment: Payment, *, request: HttpRequest) -> str:
        """Choose the transaction's id and date once: the form posted is always the same one,
        so the gateway refuses to take the money twice for one payment."""
        from factures import services

        gateway = self.backend(self.config())
        trans_id = gateway.backend.make_vads_trans_id()
        services.payment_set_provider_reference(
            payment=payment, provider_reference=f"{systempayv2.isonow()}_{trans_id}"
        )
        return reverse("factures:gateway_form", args=[payment.reference])

    def form(self, payment: Payment, *, request: HttpRequest) -> Form:
        """The signed form the parent's browser posts to the gateway."""
        trans_date, trans_id = payment.provider_reference.split("_", 1)
        gateway = self.backend(
            self.config(),
            return_url=self.return_url(request, payment),
            notify_url=self.notification_url(request, self.name),
        )
        gateway.backend._vads_trans_id = trans_id  # eopayment's hook for a chosen id
        email = getattr(payment.created_by, "email", "") or payment.family.email
        _id, _kind, form = gateway.request(
            payment.amount,
            email=email,
            orderid=payment.reference,
            transaction_id=payment.reference,
            info1=f"Factures {_invoice_numbers(payment)}"[:255],
            vads_trans_date=trans_date,
        )
        return form

    def fields(self, body: bytes, config: GatewayConfig) -> dict[str, str]:
        """The fields of a genuine message of the gateway; NotificationRejected otherwise."""
        if b"\x00" in body or b"%00" in body:
            raise NotificationRejected("NUL character in the body")
        try:
            parsed = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=True)
        except (UnicodeError, ValueError) as exc:
            raise NotificationRejected("unreadable body") from exc
        fields = {key: values[0] for key, values in parsed.items()}
        if fields.get("vads_ctx_mode") != config.mode.upper():
            raise NotificationRejected("signed for another mode")
        given = fields.get("signature", "")
        try:
            expected = self.backend(config).backend.signature(fields)
        except Exception as exc:  # whatever the fields make eopayment raise
            raise NotificationRejected("unsignable fields") from exc
        if not given or not hmac.compare_digest(given.encode(), expected.encode()):
            raise NotificationRejected("bad signature")
        return fields

    def handle_notification(self, body: bytes, headers: dict[str, str]) -> str:
        config = self.config()
        fields = self.fields(body, config)
        try:
            answer = self.backend(config).response(body.decode("utf-8"))
        except eopayment.ResponseError as exc:
            raise NotificationRejected(f"incomplete: {exc}") from exc
        reference = fields.get(systempayv2.VADS_EOPAYMENT_TRANS_ID) or fields.get(
            "vads_order_id", ""
        )
        transaction = fields.get("vads_trans_uuid") or (
            f"{fields.get('vads_trans_date', '')}_{fields.get('vads_trans_id', '')}"
        )
        status = fields.get("vads_trans_status") or eopayment.STATUS_NAME.get(answer.result, "")
        operation = fields.get("vads_operation_type", "DEBIT")
        event_id = f"{transaction}:{status}:{operation}"
        event_type = f"systempay.{operation}.{status}".lower()
        check_event_fields(body=body, event_id=event_id, event_type=event_type, reference=reference)

        def handle(payment: Payment) -> str:
            return self._apply(payment, answer.result, fields)

        return event_process(
            provider=self.name,
            event_id=event_id,
            event_type=event_type,
            payload=fields,
            reference=reference,
            handler=handle,
        )

    def handle_return(self, payment: Payment, query: bytes) -> None:
        """The return is signed like the notification: it settles the same way, once."""
        if b"signature=" in query:
            with contextlib.suppress(NotificationRejected):  # the notification will tell
                self.handle_notification(query, {})

    def _apply(self, payment: Payment, result: int, fields: dict[str, str]) -> str:
        from factures import services

        trans = f"{fields.get('vads_trans_date', '')}_{fields.get('vads_trans_id', '')}"
        if trans != payment.provider_reference:
            return ProviderEvent.Status.REJECTED  # another transaction than the one we posted
        if fields.get("vads_operation_type", "DEBIT") != "DEBIT":
            return ProviderEvent.Status.IGNORED  # a refund made at the bank: staff note it
        status = fields.get("vads_trans_status", "")
        if result == eopayment.PAID and status in ("", "AUTHORISED", "CAPTURED"):
            amount = fields.get("vads_amount", "")
            services.payment_confirm(
                payment_id=payment.pk,
                amount_cents=int(amount) if amount.isdigit() else -1,
                currency=CURRENCIES.get(fields.get("vads_currency", ""), "?"),
            )
            return ProviderEvent.Status.PROCESSED
        if result == eopayment.DENIED or status == "REFUSED":
            services.payment_fail(payment_id=payment.pk, reason="refused by SystemPay")
            return ProviderEvent.Status.PROCESSED
        if result == eopayment.CANCELLED or status in CLOSED:
            services.payment_fail(
                payment_id=payment.pk,
                status=Payment.Status.CANCELLED,
                reason=f"SystemPay: {status or 'cancelled'}",
            )
            return ProviderEvent.Status.PROCESSED
        return ProviderEvent.Status.IGNORED
