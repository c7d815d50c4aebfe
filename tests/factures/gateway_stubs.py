"""Local stand-ins for PayFiP and SystemPay, over HTTP, imitating each service's protocol.

Never the real services. Each stub is a threaded HTTP server on 127.0.0.1 that records what it
received and behaves like its service:

- PayFiP: the SOAP web service (`creerPaiementSecurise` answers an idOp,
  `recupererDetailPaiementSecurise` answers the operation's result, or the functional fault P5
  while nothing was paid), the payment page (Payer / Refuser / Annuler), the unsigned
  notification `idOp=…` posted to `urlnotif`, and the return: a form posting `idOp` back to
  `urlredirect`.
- SystemPay: the form post (its signature checked), the payment page, the signed IPN posted to
  `vads_url_check`, and the signed return (GET to `vads_url_return`).
- Stripe: the Checkout Session endpoints (create, retrieve, expire) with canned JSON answers,
  and faults on demand (a 500, or an answer past the client's timeout).

The signatures are computed here from Lyra's specification, not with eopayment's code.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import html
import json
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit
from zoneinfo import ZoneInfo

import requests

SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
SERVICE_NS = (
    "http://securite.service.tpa.cp.finances.gouv.fr/services/mas_securite/"
    "contrat_paiement_securise/PaiementSecuriseService"
)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _post_form(url: str, fields: dict[str, str]) -> int:
    return requests.post(url, data=fields, timeout=10).status_code


class _Stub:
    def __init__(self) -> None:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _send(self, status: int, body: str, content_type: str = "text/html") -> None:
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", f"{content_type}; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                stub.get(self, parts.path, parse_qs(parts.query))

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                stub.post(self, urlsplit(self.path).path, body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def get(self, handler, path: str, query: dict) -> None:  # type: ignore[no-untyped-def]
        handler._send(404, "not found")

    def post(self, handler, path: str, body: bytes) -> None:  # type: ignore[no-untyped-def]
        handler._send(404, "not found")

    def __enter__(self):  # type: ignore[no-untyped-def]
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def _page(title: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta name="viewport" content="width=device-width"></head>'
        f"<body><main><h1>{title}</h1>{body}</main></body></html>"
    )


class PayFiPStub(_Stub):
    """PayFiP's SOAP web service, payment page, notification and return."""

    SOAP_PATH = "/tpa/services/securite"
    PAGE_PATH = "/tpa/paiementws.web"

    def __init__(self) -> None:
        super().__init__()
        self.operations: dict[str, dict[str, str]] = {}
        self.soap_calls: list[tuple[str, dict[str, str]]] = []
        self.notify = True  # post idOp to urlnotif when the parent decides
        self.fail_soap = False  # answer 500 to every call (service down)
        self.answer_changes: dict[str, str] = {}  # fields altered in the detail answers

    @property
    def soap_url(self) -> str:
        return self.url + self.SOAP_PATH

    @property
    def page_url(self) -> str:
        return self.url + self.PAGE_PATH

    def decide(self, idop: str, result: str, *, minutes_ago: int = 0) -> None:
        """The parent paid (P), was refused (R) or gave up (A) on the payment page."""
        now = datetime.datetime.now(ZoneInfo("Europe/Paris")) - datetime.timedelta(
            minutes=minutes_ago
        )
        self.operations[idop].update(
            resultrans=result,
            dattrans=now.strftime("%d%m%Y"),
            heurtrans=now.strftime("%H%M"),
            numauto="123456" if result == "P" else "",
        )

    def notify_merchant(self, idop: str) -> int:
        return _post_form(self.operations[idop]["urlnotif"], {"idOp": idop})

    # SOAP -------------------------------------------------------------------------------------

    def _envelope(self, inner: str) -> str:
        return (
            f'<?xml version="1.0" encoding="UTF-8"?><S:Envelope xmlns:S="{SOAP_NS}">'
            f"<S:Body>{inner}</S:Body></S:Envelope>"
        )

    def _fault(self, code: str, text: str) -> str:
        return self._envelope(
            "<S:Fault><faultcode>S:Server</faultcode><faultstring>"
            "fr.gouv.finances.cp.tpa.webservice.exceptions.FonctionnelleErreur</faultstring>"
            f'<detail><ns2:FonctionnelleErreur xmlns:ns2="{SERVICE_NS}"><code>{code}</code>'
            f"<descriptif>{html.escape(text)}</descriptif><libelle>{html.escape(text)}</libelle>"
            "<severite>2</severite></ns2:FonctionnelleErreur></detail></S:Fault>"
        )

    def _answer(self, operation: str, fields: dict[str, str]) -> str:
        inner = "".join(f"<{k}>{html.escape(v)}</{k}>" for k, v in fields.items() if v != "")
        return self._envelope(
            f'<ns2:{operation}Response xmlns:ns2="{SERVICE_NS}"><return>{inner}</return>'
            f"</ns2:{operation}Response>"
        )

    def soap(self, handler, body: bytes) -> None:  # type: ignore[no-untyped-def]
        if self.fail_soap:
            return handler._send(500, "down", "text/plain")
        root = ET.fromstring(body)  # noqa: S314  (what the code under test sent)
        call = next(iter(root.find(f"{{{SOAP_NS}}}Body")))
        operation = _local(call.tag)
        arg = call.find("arg0")
        fields = {_local(child.tag): child.text or "" for child in (arg if arg is not None else [])}
        self.soap_calls.append((operation, fields))
        if operation == "creerPaiementSecurise":
            if not fields.get("montant", "").isdigit():
                return handler._send(500, self._fault("R3", "montant invalide"), "text/xml")
            idop = uuid.uuid4().hex
            self.operations[idop] = {**fields, "idOp": idop, "resultrans": ""}
            return handler._send(200, self._answer(operation, {"idOp": idop}), "text/xml")
        if operation == "recupererDetailPaiementSecurise":
            operation_fields = self.operations.get(fields.get("idOp", ""))
            if operation_fields is None:
                return handler._send(500, self._fault("P1", "idOp inconnu"), "text/xml")
            if not operation_fields["resultrans"]:
                return handler._send(500, self._fault("P5", "paiement en cours"), "text/xml")
            keys = ["dattrans", "exer", "heurtrans", "idOp", "mel", "montant", "numauto"]
            keys += ["numcli", "objet", "refdet", "resultrans", "saisie"]
            answer = {key: operation_fields.get(key, "") for key in keys}
            answer.update(self.answer_changes)
            return handler._send(200, self._answer(operation, answer), "text/xml")
        return handler._send(500, self._fault("X", "operation inconnue"), "text/xml")

    # The payment page -------------------------------------------------------------------------

    def get(self, handler, path: str, query: dict) -> None:  # type: ignore[no-untyped-def]
        idop = (query.get("idop") or [""])[0]
        if path != self.PAGE_PATH or idop not in self.operations:
            return handler._send(404, _page("Opération inconnue", ""))
        operation = self.operations[idop]
        amount = f"{int(operation['montant']) / 100:.2f}".replace(".", ",")
        buttons = "".join(
            f'<button type="submit" name="resultat" value="{code}">{label}</button> '
            for code, label in (("P", "Payer"), ("R", "Refuser"), ("A", "Annuler"))
        )
        handler._send(
            200,
            _page(
                "PayFiP (bouchon)",
                f"<p>Montant : {amount} €</p><p>Référence : {operation['refdet']}</p>"
                f'<form method="post" action="{self.PAGE_PATH}/decision">'
                f'<input type="hidden" name="idop" value="{idop}">{buttons}</form>',
            ),
        )

    def post(self, handler, path: str, body: bytes) -> None:  # type: ignore[no-untyped-def]
        if path == self.SOAP_PATH:
            return self.soap(handler, body)
        if path != f"{self.PAGE_PATH}/decision":
            return handler._send(404, "not found")
        form = {k: v[0] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
        idop = form.get("idop", "")
        if idop not in self.operations:
            return handler._send(404, "unknown")
        self.decide(idop, form.get("resultat", "A"))
        if self.notify:
            self.notify_merchant(idop)
        operation = self.operations[idop]
        handler._send(
            200,
            _page(
                "PayFiP (bouchon) : opération terminée",
                f'<form method="post" action="{html.escape(operation["urlredirect"])}">'
                f'<input type="hidden" name="idOp" value="{idop}">'
                '<button type="submit">Retour au site</button></form>',
            ),
        )


def systempay_signature(fields: dict[str, str], key: str, algo: str = "hmac_sha256") -> str:
    """Lyra's signature: the vads_* values sorted by name, joined by '+', then '+' and the key."""
    data = "+".join(fields[name] for name in sorted(fields) if name.startswith("vads_"))
    data = f"{data}+{key}".encode()
    if algo == "sha1":
        return hashlib.sha1(data).hexdigest()  # noqa: S324  (the gateway's old algorithm)
    return base64.b64encode(hmac.new(key.encode(), data, hashlib.sha256).digest()).decode()


class SystemPayStub(_Stub):
    """SystemPay's form post, payment page, signed IPN and signed return."""

    PATH = "/vads-payment/"

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
        self.forms: list[dict[str, str]] = []
        self.transactions: dict[str, dict[str, str]] = {}
        self.notify = True
        self.ipn_status: list[int] = []

    @property
    def form_url(self) -> str:
        return self.url + self.PATH

    def signed(self, fields: dict[str, str]) -> dict[str, str]:
        return {**fields, "signature": systempay_signature(fields, self.key)}

    def outcome(self, token: str, result: str, **changes: str) -> dict[str, str]:
        """The signed fields the gateway sends about the transaction `token`."""
        sent = self.transactions[token]
        status, auth = {
            "00": ("AUTHORISED", "00"),
            "05": ("REFUSED", "05"),
            "17": ("ABANDONED", ""),
        }[result]
        fields = {
            name: sent[name]
            for name in sent
            if name.startswith("vads_")
            and name not in ("vads_url_return", "vads_url_check", "vads_return_mode")
        }
        fields.update(
            vads_result=result,
            vads_auth_result=auth,
            vads_extra_result="",
            vads_trans_status=status,
            vads_trans_uuid=sent["uuid"],
            vads_operation_type="DEBIT",
            vads_url_check_src="PAY",
            vads_effective_creation_date=sent["vads_trans_date"],
            vads_auth_number="654321" if result == "00" else "",
        )
        fields.update(changes)
        return self.signed(fields)

    def send_ipn(self, token: str, result: str, **changes: str) -> int:
        status = _post_form(
            self.transactions[token]["vads_url_check"], self.outcome(token, result, **changes)
        )
        self.ipn_status.append(status)
        return status

    def post(self, handler, path: str, body: bytes) -> None:  # type: ignore[no-untyped-def]
        form = {k: v[0] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
        if path == self.PATH:
            self.forms.append(form)
            given = form.get("signature", "")
            unsigned = {k: v for k, v in form.items() if k != "signature"}
            if not hmac.compare_digest(given, systempay_signature(unsigned, self.key)):
                return handler._send(400, _page("Signature incorrecte", ""))
            token = f"{form['vads_trans_date']}_{form['vads_trans_id']}"
            if token in self.transactions:  # the gateway refuses a transaction id used twice
                return handler._send(400, _page("Transaction déjà traitée", ""))
            self.transactions[token] = {**form, "uuid": uuid.uuid4().hex}
            amount = f"{int(form['vads_amount']) / 100:.2f}".replace(".", ",")
            buttons = "".join(
                f'<button type="submit" name="resultat" value="{code}">{label}</button> '
                for code, label in (("00", "Payer"), ("05", "Refuser"), ("17", "Annuler"))
            )
            return handler._send(
                200,
                _page(
                    "SystemPay (bouchon)",
                    f"<p>Montant : {amount} €</p>"
                    f'<form method="post" action="{self.PATH}decision">'
                    f'<input type="hidden" name="token" value="{token}">{buttons}</form>',
                ),
            )
        if path == f"{self.PATH}decision":
            token, result = form.get("token", ""), form.get("resultat", "17")
            if token not in self.transactions:
                return handler._send(404, "unknown")
            if self.notify:
                self.send_ipn(token, result)
            back = self.transactions[token]["vads_url_return"]
            query = urlencode(self.outcome(token, result))
            return handler._send(
                200,
                _page(
                    "SystemPay (bouchon) : opération terminée",
                    f'<p><a href="{html.escape(back + "?" + query)}">Retour à la boutique</a></p>',
                ),
            )
        return handler._send(404, "not found")


class StripeStub:
    """Stripe's Checkout Session endpoints: canned answers for the session `session_id`, what
    they received (`created`, `expired`, `calls`, the last `form`), and `mode`: "ok", "500"
    (an API error) or "slow" (answers after 2 s, past a 1 s client timeout)."""

    def __init__(self, session_id: str) -> None:
        self.session_id = session_id
        self.mode = "ok"
        self.calls: list[str] = []
        self.created: list[dict] = []
        self.expired: list[str] = []
        self.session: dict = {}
        self.form: dict = {}
        stub = self
        session_path = f"/v1/checkout/sessions/{session_id}"

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _answer(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _fault(self) -> bool:
                stub.calls.append(f"{self.command} {self.path}")
                if stub.mode == "slow":
                    time.sleep(2)  # past the client's timeout of 1 s
                    return False  # answers anyway, too late: the session exists at Stripe
                if stub.mode == "500":
                    self._answer(500, {"error": {"type": "api_error", "message": "boom"}})
                    return True
                return False

            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"] or 0)
                form = parse_qs(self.rfile.read(length).decode())
                stub.form = form
                if self._fault():
                    return
                if self.path == f"{session_path}/expire":
                    stub.expired.append(session_id)
                    if stub.session.get("status") != "open":  # what Stripe answers then
                        error = {"type": "invalid_request_error", "message": "not open"}
                        return self._answer(400, {"error": error})
                    stub.session = {**stub.session, "status": "expired"}
                    return self._answer(200, stub.session)
                if self.path != "/v1/checkout/sessions":
                    return self._answer(404, {"error": {"message": "no such route"}})
                stub.created.append({"form": form, "headers": dict(self.headers)})
                stub.session = {
                    "id": session_id,
                    "object": "checkout.session",
                    "url": f"https://checkout.stripe.com/c/pay/{session_id}",
                    "status": "open",
                    "payment_status": "unpaid",
                    "amount_total": int(form["line_items[0][price_data][unit_amount]"][0]),
                    "currency": form["line_items[0][price_data][currency]"][0],
                    "client_reference_id": form["client_reference_id"][0],
                    "metadata": {"payment_reference": form["client_reference_id"][0]},
                }
                return self._answer(200, stub.session)

            def do_GET(self) -> None:
                if self._fault():
                    return
                if self.path.split("?")[0] == session_path:
                    return self._answer(200, stub.session)
                return self._answer(404, {"error": {"message": "no such session"}})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True  # a "slow" answer does not hold the shutdown
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> StripeStub:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def configure(self, settings, *, webhook_secret: str, **more: object) -> None:
        """Point the project's Stripe provider at this stub (pytest-django's `settings`)."""
        settings.PAYMENT_PROVIDER = "stripe"
        settings.STRIPE_SECRET_KEY = "sk_test_x"
        settings.STRIPE_WEBHOOK_SECRET = webhook_secret
        settings.STRIPE_API_BASE = self.url
        settings.STRIPE_MAX_NETWORK_RETRIES = 0
        for name, value in more.items():
            setattr(settings, name, value)
