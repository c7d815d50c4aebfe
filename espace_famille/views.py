"""Core views: the dashboard (tableau de bord), the health check and the error pages."""

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from espace_famille.access import family_required
from espace_famille.registry import menu_entries


@require_GET
@family_required
def dashboard(request: HttpRequest) -> HttpResponse:
    family = request.family  # type: ignore[attr-defined]
    tiles = [
        {
            "entry": entry,
            "url": reverse(entry.url_name),
            "badge": entry.badge(family) if entry.badge else None,
        }
        for entry in menu_entries()
    ]
    return render(request, "dashboard.html", {"tiles": tiles})


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
