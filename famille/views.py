from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from espace_famille.access import family_required


@require_GET
@family_required
def index(request: HttpRequest) -> HttpResponse:
    family = request.family  # type: ignore[attr-defined]
    members = family.members.all()
    return render(request, "famille/index.html", {"family": family, "members": members})
