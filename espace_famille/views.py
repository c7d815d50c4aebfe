"""Core views: the dashboard (tableau de bord), the health check and the error pages."""

import logging
import mimetypes
import os
import uuid

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from espace_famille import export, privacy, ratelimit
from espace_famille.access import FamilyRequest, family_required
from espace_famille.files import serve_private_file
from espace_famille.models import DataExport, Structure
from espace_famille.registry import family_todos, menu

logger = logging.getLogger(__name__)

LOGO_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}


@require_GET
@family_required
def dashboard(request: FamilyRequest) -> HttpResponse:
    family = request.family
    today = timezone.localdate()
    # "À faire": what each app says the household has to do, in the registry's order.
    todo = [line for source in family_todos for line in source.lines(family, today)]
    tiles = []
    for entry in menu:
        count = entry.badge(family) if entry.badge else None
        tiles.append(
            {
                "entry": entry,
                "url": reverse(entry.url_name),
                "badge": entry.badge_text(count) if count else "",
            }
        )
    return render(request, "dashboard.html", {"todo": todo, "tiles": tiles})


def _database_answers() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache_answers() -> None:
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":
        raise RuntimeError("the cache did not keep a value")
    cache.delete(key)


def _storage_answers() -> None:
    location = getattr(default_storage, "location", None)
    if isinstance(default_storage, FileSystemStorage) and location:
        os.makedirs(location, exist_ok=True)  # as the storage does on its first save
        if not os.access(location, os.W_OK):
            raise RuntimeError("the media directory is read-only")
    default_storage.exists("healthz-probe")  # S3: one HEAD request


HEALTH_CHECKS = {
    "database": _database_answers,
    "cache": _cache_answers,
    "storage": _storage_answers,
}


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 when the database, the cache and the storage answer, else 503.

    Names which component failed, never why (no address, path or personal data in the body).
    """
    checks: dict[str, str] = {}
    for name, check in HEALTH_CHECKS.items():
        try:
            check()
        except Exception:
            logger.exception("healthz: %s does not answer", name)
            checks[name] = "error"
        else:
            checks[name] = "ok"
    healthy = all(state == "ok" for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )


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
def my_data(request: FamilyRequest) -> HttpResponse:
    """Mes données: the page with the household's exports; on POST, a new one is prepared."""
    family = request.family
    if request.method == "POST":
        if not ratelimit.hit("my-data", family.pk, limit=settings.MY_DATA_EXPORTS_PER_HOUR):
            messages.error(
                request,
                _(
                    "Vous avez déjà demandé vos données plusieurs fois cette heure-ci : "
                    "réessayez dans une heure."
                ),
            )
            return redirect("my_data")
        export.export_request(family=family, user=request.user, request=request)
        messages.success(
            request,
            _(
                "Vos données sont en préparation. Le lien de téléchargement s'affichera ici "
                "et vous sera envoyé par e-mail."
            ),
        )
        return redirect("my_data")
    now = timezone.now()
    exports = [
        {"export": e, "token": export.download_token(e) if e.status == "ready" else ""}
        for e in DataExport.objects.filter(family=family)
        .filter(Q(status=DataExport.Status.PENDING) | Q(expires_at__gt=now))
        .order_by("-created_at", "-pk")[:5]
    ]
    return render(
        request,
        "legal/my_data.html",
        {"exports": exports, "link_days": settings.MY_DATA_LINK_DAYS},
    )


@require_GET
@never_cache
@family_required
def my_data_download(request: FamilyRequest, token: str) -> HttpResponseBase:
    """The emailed link: only for a parent of the same household, until it expires."""
    family = request.family
    try:
        found = export.export_for_token(token=token, family=family, now=timezone.now())
    except export.ExportUnavailable:
        return render(request, "legal/my_data_unavailable.html", status=404)
    response = serve_private_file(
        found.file, content_type="application/zip", filename="mes-donnees.zip"
    )
    export.export_downloaded(export=found, user=request.user, request=request)
    return response


def not_offered(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    """allauth pages the portal does not offer (the login email is managed by staff)."""
    raise Http404


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
