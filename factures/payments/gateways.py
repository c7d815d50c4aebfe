"""French payment gateways through eopayment (Entr'ouvert, GPL v3 or later): their options.

A gateway's options come from the admin ("Moyens de paiement en ligne": the enabled row of its
backend) or else from the environment (PAYFIP_*, SYSTEMPAY_*). A gateway is usable when
PAYMENT_PROVIDER names it and its options are complete; otherwise online payment is off.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse

from factures.payments import PaymentProvider

if TYPE_CHECKING:
    from django.http import HttpRequest

    from factures.models import Payment

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class GatewayConfig:
    label: str
    merchant_id: str
    mode: str  # test, activation (PayFiP only) or production
    key_test: str = ""
    key_production: str = ""
    signature_algo: str = "hmac_sha256"
    service_url: str = ""
    payment_page_url: str = ""


def _from_environment(backend: str) -> GatewayConfig:
    if backend == "payfip":
        return GatewayConfig(
            label="PayFiP",
            merchant_id=settings.PAYFIP_NUMCLI,
            mode=settings.PAYFIP_MODE,
            service_url=settings.PAYFIP_SOAP_URL,
            payment_page_url=settings.PAYFIP_PAYMENT_URL,
        )
    return GatewayConfig(
        label="SystemPay",
        merchant_id=settings.SYSTEMPAY_SITE_ID,
        mode=settings.SYSTEMPAY_MODE,
        key_test=settings.SYSTEMPAY_KEY_TEST,
        key_production=settings.SYSTEMPAY_KEY_PRODUCTION,
        signature_algo=settings.SYSTEMPAY_SIGNATURE_ALGO,
        service_url=settings.SYSTEMPAY_SERVICE_URL,
    )


def config_problems(backend: str, config: GatewayConfig) -> list[str]:
    """What keeps these options from working (empty when they are complete)."""
    problems = []
    if backend == "payfip":
        if not re.fullmatch(r"\d{6}", config.merchant_id):
            problems.append("PayFiP: the client number (numcli) is 6 digits")
        if config.mode not in ("test", "activation", "production"):
            problems.append("PayFiP: the mode is test, activation or production")
    else:
        if not re.fullmatch(r"\d{8}", config.merchant_id):
            problems.append("SystemPay: the shop id (site_id) is 8 digits")
        if config.mode not in ("test", "production"):
            problems.append("SystemPay: the mode is test or production")
        key = config.key_production if config.mode == "production" else config.key_test
        if not key.isalnum():
            problems.append("SystemPay: the key of the mode in use is missing")
        if config.signature_algo not in ("hmac_sha256", "sha1"):
            problems.append("SystemPay: the signature is hmac_sha256 or sha1")
    return problems


def gateway_config(backend: str) -> GatewayConfig | None:
    """The options in force for `backend`, None when they are incomplete (payment is off)."""
    from factures.models import OnlinePaymentMethod

    row = OnlinePaymentMethod.objects.filter(backend=backend, enabled=True).first()
    if row is not None:
        config = GatewayConfig(
            label=row.label,
            merchant_id=row.merchant_id,
            mode=row.mode,
            key_test=row.key_test,
            key_production=row.key_production,
            signature_algo=row.signature_algo,
            service_url=row.service_url,
            payment_page_url=row.payment_page_url,
        )
    else:
        config = _from_environment(backend)
    problems = config_problems(backend, config)
    if problems:
        logger.warning("online payment through %s is off: %s", backend, "; ".join(problems))
        return None
    return config


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class GatewayProvider(PaymentProvider):
    """A provider built on an eopayment backend, with the options of `gateway_config`."""

    def config(self) -> GatewayConfig:
        config = gateway_config(self.name)
        if config is None:
            raise RuntimeError(f"{self.name} is not configured")
        return config

    def is_enabled(self) -> bool:
        return super().is_enabled() and gateway_config(self.name) is not None

    def page_origins(self) -> list[str]:
        """Origins of the gateway's payment page, allowed as form targets (CSP form-action)."""
        return []

    @staticmethod
    def notification_url(request: HttpRequest, name: str) -> str:
        return request.build_absolute_uri(reverse("factures:payment_notification", args=[name]))

    @staticmethod
    def return_url(request: HttpRequest, payment: Payment) -> str:
        return request.build_absolute_uri(
            reverse("factures:gateway_return", args=[payment.reference])
        )

    def handle_return(self, payment: Payment, query: bytes) -> None:
        """The parent's browser comes back from the gateway with `query` (GET or POST)."""
