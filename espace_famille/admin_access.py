"""A second factor (TOTP) for every staff member who enters the admin.

With `STAFF_REQUIRE_TOTP` (on by default when DEBUG is off), a staff login reaches the admin
only once its session was confirmed with a TOTP code: a member without a TOTP app is sent to
activate one, a session opened without the code (before the activation) asks for it again.
Parents are never concerned: the check covers the admin's URLs only.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _


def second_factor_redirect(request: HttpRequest) -> HttpResponse | None:
    """Where a staff member must go before the admin page they asked for, if anywhere."""
    user = request.user
    has_totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    query = urlencode({"next": request.get_full_path()})
    if not has_totp:
        messages.warning(
            request,
            _(
                "La gestion de la structure demande une double authentification : "
                "activez une application d'authentification (TOTP) pour continuer."
            ),
        )
        return HttpResponseRedirect(f"{reverse('mfa_activate_totp')}?{query}")
    records = get_authentication_records(request, user)
    if not any(record.get("method") == "mfa" for record in records):
        return HttpResponseRedirect(f"{reverse('mfa_reauthenticate')}?{query}")
    return None


class StaffSecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.STAFF_REQUIRE_TOTP and request.path.startswith(reverse("admin:index")):
            user = request.user
            if user.is_authenticated and user.is_staff:
                redirect = second_factor_redirect(request)
                if redirect is not None:
                    return redirect
        return self.get_response(request)
