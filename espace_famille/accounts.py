"""Accounts: no sign-up, invitations as password-set links, deactivation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import user_pk_to_url_str
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from espace_famille import audit
from espace_famille.emails import family_language, send_rendered, send_templated
from espace_famille.models import StaffJob, Structure, User
from espace_famille.tokens import token_generator


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Families do not sign up: staff create them and send an invitation.
        return False

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth counts failed logins per login alone: five wrong passwords from anywhere would
        # lock the parent out everywhere. Per login and address keeps brute force blocked without
        # handing attackers that lever.
        key = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{key}:{audit.client_ip(request) or ''}"

    def send_password_reset_mail(self, user: User, email: str, context: dict[str, Any]) -> None:
        audit.record(
            user.family,
            user,
            audit.Kind.PASSWORD_RESET_REQUESTED,
            _("Lien « mot de passe oublié » envoyé à %(email)s") % {"email": email},
            request=context.get("request"),
        )
        return super().send_password_reset_mail(user, email, context)

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        # Staff without a family work in the admin: land there, not on the families' pages.
        user = request.user
        if user.is_staff and user.family_id is None:
            return reverse("admin:index")
        return super().get_login_redirect_url(request)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # allauth's own emails (password reset) keep allauth's templates but leave through the
        # portal's one path: recorded, retried, and a mail server down never fails the request.
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        message = self.render_mail(template_prefix, email, {**ctx, **context})
        send_rendered(message, template=template_prefix)


def invitation_url(request: HttpRequest | None, user: User) -> str:
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": token_generator.make_token(user)},
    )
    return request.build_absolute_uri(path) if request is not None else settings.SITE_URL + path


def invitation_send(*, request: HttpRequest | None, user: User, sent_by: User | None) -> None:
    """Email a parent the link that sets their password; record it in the audit log."""
    if not user.is_active:
        raise ValueError(_("Ce compte est désactivé : réactivez-le avant d'inviter."))
    now = timezone.now()
    with transaction.atomic():
        user.invited_at = now
        user.save(update_fields=["invited_at"])
        audit.record(
            user.family,
            sent_by,
            audit.Kind.INVITATION_SENT,
            _("Invitation envoyée à %(email)s") % {"email": user.email},
            obj=user,
            request=request,
        )
        link = invitation_url(request, user)
        expires = now + timedelta(days=settings.INVITATION_VALIDITY_DAYS)
        transaction.on_commit(lambda: _send_invitation_email(user, link, expires))


def _send_invitation_email(user: User, link: str, expires: datetime) -> None:
    structure = Structure.current()
    send_templated(
        "invitation",
        to=[user.email],
        context={"user": user, "link": link, "expires": expires, "structure": structure},
        language=family_language(user.family),
    )


def account_deactivate(*, request: HttpRequest | None, user: User, by: User | None) -> None:
    """Close the account of a parent who left: they can no longer log in."""
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit.record(
            user.family,
            by,
            audit.Kind.ACCOUNT_DEACTIVATED,
            _("Compte %(email)s désactivé") % {"email": user.email},
            obj=user,
            request=request,
        )


def invitations_job(
    *, job: StaffJob, progress: Callable[[int, int], None], user_ids: list[int]
) -> dict[str, Any]:
    """Mass invitations as a background job (espace_famille.jobs): one email per login, the
    inactive ones skipped and counted; the result page's text."""
    users = list(User.objects.filter(pk__in=user_ids).select_related("family").order_by("email"))
    sent = skipped = 0
    for done, user in enumerate(users, start=1):
        if user.is_active and (user.family is None or user.family.is_active):
            invitation_send(request=None, user=user, sent_by=job.started_by)
            sent += 1
        else:
            skipped += 1
        progress(done, len(users))
    details = []
    if skipped:
        details.append(
            ngettext(
                "%(n)d compte désactivé ou famille partie : pas d'invitation.",
                "%(n)d comptes désactivés ou familles parties : pas d'invitation.",
                skipped,
            )
            % {"n": skipped}
        )
    return {
        "summary": ngettext("%(n)d invitation envoyée.", "%(n)d invitations envoyées.", sent)
        % {"n": sent},
        "details": details,
        "url": reverse("admin:espace_famille_user_changelist"),
        "link": _("Voir les comptes"),
    }
