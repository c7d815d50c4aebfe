"""The portal's URLs plus /bench/floor: a view that does nothing, behind the same middleware
(sessions, authentication, CSRF, CSP…), so each page's figure can be read against it."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from espace_famille.urls import handler403, handler404, handler500, urlpatterns  # noqa: F401


def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok\n", content_type="text/plain")


urlpatterns = [path("bench/floor", floor), *urlpatterns]
