"""Keep personal data out of logs and error reports.

- `PrivateExceptionReporter` / `PrivateReporterFilter` (settings DEFAULT_EXCEPTION_REPORTER and
  DEFAULT_EXCEPTION_REPORTER_FILTER): outside DEBUG, an error report (the one Django's
  AdminEmailHandler mails, or any handler that renders it) shows the names of the posted and
  query parameters and of the local variables, never their values, and names the user by id.
- `RedactPersonalData`: a logging filter on the console handler that masks email addresses and
  IBAN-like strings in every line written, exception texts included (a database error may quote
  the value that broke a constraint).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

MASK = "********************"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){3,7}(?:[ ]?[A-Z0-9]{1,4})?\b")
# Request headers that name the visitor or carry what they typed.
PRIVATE_META = ("QUERY_STRING", "REMOTE_ADDR", "HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP")


def redact(text: str) -> str:
    return IBAN.sub("[iban]", EMAIL.sub("[e-mail]", text))


class PrivateReporterFilter(SafeExceptionReporterFilter):
    """Hide every value the visitor sent, and every local variable, outside DEBUG."""

    def get_post_parameters(self, request: Any) -> Any:
        if request is None or not self.is_active(request):
            return super().get_post_parameters(request)
        return {key: self.cleansed_substitute for key in request.POST}

    def get_traceback_frame_variables(self, request: Any, tb_frame: Any) -> Any:
        if not self.is_active(request):
            return super().get_traceback_frame_variables(request, tb_frame)
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]

    def get_safe_request_meta(self, request: Any) -> dict[str, Any]:
        meta = super().get_safe_request_meta(request)
        if request is not None and self.is_active(request):
            for key in PRIVATE_META:
                if key in meta:
                    meta[key] = self.cleansed_substitute
        return meta


class PrivateExceptionReporter(ExceptionReporter):
    """The error report without the user's name and email, the query string or file names."""

    def get_traceback_data(self) -> dict[str, Any]:
        data = super().get_traceback_data()
        request = self.request
        if request is None or not self.filter.is_active(request):
            return data
        user_pk = getattr(getattr(request, "user", None), "pk", None)
        data["user_str"] = f"#{user_pk}" if user_pk else "anonymous"
        cleansed = self.filter.cleansed_substitute
        data["request_GET_items"] = [(key, cleansed) for key in request.GET]
        data["request_FILES_items"] = [(key, cleansed) for key in request.FILES]
        data["request_insecure_uri"] = request.path
        if "exception_value" in data:
            data["exception_value"] = redact(data["exception_value"])
        return data


class RedactPersonalData(logging.Filter):
    """Mask email addresses and IBANs in a record before a handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
