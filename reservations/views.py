from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from espace_famille.access import family_required


@require_GET
@family_required
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/upcoming.html", {"title": _("Mes réservations")})
