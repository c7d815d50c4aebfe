"""PayFiP (DGFiP), through eopayment's `payfip_ws` backend and the SOAP web service it ships.

One debt per transaction: a payment holds exactly one invoice (several invoices make a journey,
factures/services/journeys.py). PayFiP's notification is a bare `idOp=…`, not signed: it is
only a hint. A payment is settled after asking the web service (`recupererDetailPaiementSecurise`)
what became of the operation, then checking its client number, debt reference and amount;
never from the notification or the return URL alone.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

import eopayment
from django.conf import settings
from eopayment import payfip_ws

from factures.models import Payment, ProviderEvent
from factures.payments import NotificationRejected, ProviderUnreachable, providers
from factures.payments.events import event_process
from factures.payments.gateways import GatewayConfig, GatewayProvider, origin

if TYPE_CHECKING:
    from django.http import HttpRequest

# The binding of the WSDL shipped by eopayment, bound to another address than the official one.
BINDING = (
    "{http://securite.service.tpa.cp.finances.gouv.fr/services/mas_securite/"
    "contrat_paiement_securise/PaiementSecuriseService}PaiementSecuriseServicePortBinding"
)
SAISIE = {"test": "T", "activation": "X", "production": "W"}
IDOP_RE = re.compile(r"^[A-Za-z0-9-]{1,64}$")


class _WebService(payfip_ws.PayFiP):
    """eopayment's SOAP client (local WSDL), sent to `address` when one is configured."""

    def __init__(self, address: str, timeout: int) -> None:
        super().__init__()
        self.address = address
        self.default_timeout = timeout

    @property
    def client(self) -> Any:
        if not hasattr(self, "_client"):
            client = super().client
            if self.address:
                client._default_service = client.create_service(BINDING, self.address)
        return self._client


def debt_reference(payment: Payment) -> str:
    """REFDET: the invoice number and the attempt (30 letters or digits at most)."""
    invoice = payment.invoices.get()
    return re.sub(r"[^A-Za-z0-9]", "", invoice.number)[:20] + f"P{payment.pk}"


@providers.register
class PayFiPProvider(GatewayProvider):
    name = "payfip"
    one_invoice_per_payment = True
    # eopayment's minimal time between two transactions (an idOp lives 15 minutes).
    min_lock_minutes = 20
    minimal_amount = payfip_ws.Payment.minimal_amount

    def backend(
        self, config: GatewayConfig, *, return_url: str = "", notify_url: str = ""
    ) -> eopayment.Payment:
        gateway = eopayment.Payment(
            eopayment.PAYFIP_WS,
            {
                "numcli": config.merchant_id,
                "saisie": SAISIE[config.mode],
                "normal_return_url": return_url,
                "automatic_return_url": notify_url,
            },
        )
        gateway.backend.payfip = _WebService(config.service_url, settings.EOPAYMENT_TIMEOUT_SECONDS)
        return gateway

    def page_url(self, config: GatewayConfig) -> str:
        return config.payment_page_url or payfip_ws.PAYMENT_URL

    def page_origins(self) -> list[str]:
        return [origin(self.page_url(self.config()))]

    def start(self, payment: Payment, *, request: HttpRequest) -> str:
        from factures import services

        config = self.config()
        invoice = payment.invoices.get()  # one debt per transaction
        email = getattr(payment.created_by, "email", "") or payment.family.email
        idop, _kind, _url = self.backend(
            config,
            return_url=self.return_url(request, payment),
            notify_url=self.notification_url(request, self.name),
        ).request(
            payment.amount,
            email=email,
            refdet=debt_reference(payment),
            exer=str(invoice.issued_on.year),
            subject=f"Facture {invoice.number}",
        )
        services.payment_set_provider_reference(payment=payment, provider_reference=str(idop))
        return f"{self.page_url(config)}?idop={idop}"

    def handle_notification(self, body: bytes, headers: dict[str, str]) -> str:
        """`idOp=…` posted by PayFiP (or anyone): only a reason to ask the web service."""
        try:
            fields = parse_qs(body.decode("ascii"), strict_parsing=True)
            idop = (fields.get("idOp") or fields.get("idop") or [""])[0]
        except (UnicodeError, ValueError) as exc:
            raise NotificationRejected("unreadable body") from exc
        if not IDOP_RE.match(idop):
            raise NotificationRejected("no idOp")
        payment = Payment.objects.filter(provider=self.name, provider_reference=idop).first()
        if payment is None:
            raise NotificationRejected("unknown idOp")  # not stored: anyone can post
        try:
            return self.check(payment)
        except payfip_ws.PayFiPError as exc:
            raise ProviderUnreachable(str(exc)) from exc

    def refresh(self, payment: Payment) -> None:
        if payment.status == Payment.Status.PENDING and payment.provider_reference:
            self.check(payment)

    def cancel(self, payment: Payment) -> None:
        """PayFiP cannot close an operation: ask it first; cancel here if it is still open.

        Money arriving later for it (the idOp lives 15 minutes) still settles the invoices, or
        is to refund (factures/payment_states.py)."""
        self.refresh(payment)
        payment.refresh_from_db()
        if payment.status == Payment.Status.PENDING:
            super().cancel(payment)

    def check(self, payment: Payment) -> str:
        """Ask the web service about the payment's operation and apply its answer once."""
        config = self.config()
        idop = payment.provider_reference
        answer = self.backend(config).payment_status(idop, transaction_date=payment.created_at)
        status = eopayment.STATUS_NAME.get(answer.result, "ERROR")
        if answer.result == eopayment.WAITING:
            return ProviderEvent.Status.IGNORED  # not paid yet (P5): nothing to record
        data = {key: "" if value is None else str(value) for key, value in answer.bank_data.items()}
        event_id = f"{idop}:{data.get('resultrans') or status}"
        event_type = f"payfip.{status.lower()}"

        def handle(locked: Payment) -> str:
            return self._apply(locked, answer.result, data, config)

        return event_process(
            provider=self.name,
            event_id=event_id,
            event_type=event_type,
            payload=data,
            reference=payment.reference,
            handler=handle,
        )

    def _apply(
        self, payment: Payment, result: int, data: dict[str, str], config: GatewayConfig
    ) -> str:
        from factures import services

        if result == eopayment.EXPIRED:  # P1, or P5 long after: never paid
            services.payment_fail(
                payment_id=payment.pk, status=Payment.Status.CANCELLED, reason="idOp expired"
            )
            return ProviderEvent.Status.PROCESSED
        if (
            data.get("idOp", payment.provider_reference) != payment.provider_reference
            or data.get("numcli") != config.merchant_id
            or data.get("refdet") != debt_reference(payment)
        ):
            return ProviderEvent.Status.REJECTED  # the answer of another operation
        if result == eopayment.PAID:
            montant = data.get("montant", "")
            services.payment_confirm(
                payment_id=payment.pk,
                amount_cents=int(montant) if montant.isdigit() else -1,
                currency="EUR",
            )
            return ProviderEvent.Status.PROCESSED
        if result == eopayment.DENIED:
            services.payment_fail(payment_id=payment.pk, reason="refused by PayFiP")
            return ProviderEvent.Status.PROCESSED
        if result == eopayment.CANCELLED:
            services.payment_fail(
                payment_id=payment.pk, status=Payment.Status.CANCELLED, reason="cancelled on PayFiP"
            )
            return ProviderEvent.Status.PROCESSED
        return ProviderEvent.Status.IGNORED
