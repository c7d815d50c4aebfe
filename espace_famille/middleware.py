"""French unless the visitor chose another language; a French 503 page when a store is down."""

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_vary_headers

logger = logging.getLogger(__name__)


class ChosenLanguageMiddleware:
    """Like LocaleMiddleware, but ignores the browser's Accept-Language.

    A structure's portal speaks French to every family whatever their browser says; English is
    served to those who pick it (the choice is kept in Django's language cookie).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class ServiceUnavailableMiddleware:
    """A lost database connection or a refused file store answers a French 503 page.

    The service's transaction has rolled back, so nothing is half-written and the parent can
    try again; the error is logged for staff. Django closes the broken connection at the end
    of the request and the next request opens a new one.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.db import InterfaceError, OperationalError

        from espace_famille.files import StorageUnavailable

        if isinstance(exception, OperationalError | InterfaceError):
            logger.error("Database unavailable during %s", request.path, exc_info=exception)
            return service_unavailable(storage=False)
        if isinstance(exception, StorageUnavailable):
            return service_unavailable(storage=True)  # logged where the storage failed
        return None


def service_unavailable(*, storage: bool) -> HttpResponse:
    """The 503 page: no database query (the database may be the part that is down)."""
    html = render_to_string("503.html", {"storage": storage})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = "30"
    return response
