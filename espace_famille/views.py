"""Core views: the dashboard (tableau de bord), the health check and the error pages."""

import mimetypes

from django.conf import settings
from django.contrib import messages
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from espace_famille import export, privacy, ratelimit
from espace_famille.access import family_required
from espace_famille.files import serve_private_file
from espace_famille.models import Structure
from espace_famille.registry import menu_entries

LOGO_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}


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


@require_GET
def structure_logo(request: HttpRequest) -> FileResponse:
    """The structure's logo, from private storage (files have no public URL)."""
    structure = Structure.objects.order_by("pk").first()
    if structure is None or not structure.logo:
        raise Http404
    content_type = mimetypes.guess_type(structure.logo.name)[0]
    if content_type not in LOGO_TYPES:
        raise Http404
    response = serve_private_file(
        structure.logo, content_type=content_type, filename="logo", download=False
    )
    response["Cache-Control"] = "public, max-age=3600"  # the same for every visitor
    return response


@require_GET
def personal_data(request: HttpRequest) -> HttpResponse:
    """Données personnelles: public, generated from the structure and the retention settings."""
    return render(
        request,
        "legal/personal_data.html",
        {
            "processings": privacy.processing_activities(),
            "cookies": privacy.cookies(),
            "payment_recipient": privacy.payment_recipient(),
            "login_history_days": settings.RETENTION_LOGIN_HISTORY_DAYS,
        },
    )


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    """Déclaration d'accessibilité (RGAA), public."""
    return render(request, "legal/accessibility.html")


@require_http_methods(["GET", "POST"])
@never_cache
@family_required
def my_data(request: HttpRequest) -> HttpResponse:
    """Mes données: the page, and on POST the household's ZIP."""
    if request.method == "POST":
        family_id = request.family.pk  # type: ignore[attr-defined]
        if not ratelimit.hit("my-data", family_id, limit=settings.MY_DATA_EXPORTS_PER_HOUR):
            messages.error(
                request,
                _(
                    "Vous avez déjà téléchargé vos données plusieurs fois cette heure-ci : "
                    "réessayez dans une heure."
                ),
            )
            return redirect("my_data")
        content = export.household_export(
            family=request.family,  # type: ignore[attr-defined]
            user=request.user,
            request=request,
        )
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = 'attachment; filename="mes-donnees.zip"'
        return response
    return render(request, "legal/my_data.html")


def not_offered(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    """allauth pages the portal does not offer (the login email is managed by staff)."""
    raise Http404


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
