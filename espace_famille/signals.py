"""Receivers that write the audit events of Django's and allauth's authentication signals."""

from typing import Any

from allauth.account.signals import password_changed, password_reset, password_set
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import Signal, receiver
from django.http import HttpRequest
from django.utils.translation import gettext as _

from espace_famille import audit
from espace_famille.models import User


@receiver(user_logged_in, dispatch_uid="audit_login")
def _audit_login(sender: object, request: HttpRequest, user: User, **kwargs: object) -> None:
    audit.record(
        user.family, user, audit.Kind.LOGIN, _("Connexion à l'Espace famille"), request=request
    )


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _audit_logout(
    sender: object, request: HttpRequest, user: User | None, **kwargs: object
) -> None:
    if user is not None:
        audit.record(user.family, user, audit.Kind.LOGOUT, _("Déconnexion"), request=request)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _audit_login_failed(
    sender: object,
    credentials: dict[str, Any],
    request: HttpRequest | None = None,
    **kwargs: object,
) -> None:
    email = str(credentials.get("email") or credentials.get("username") or "").strip().lower()
    user = get_user_model()._default_manager.filter(email=email).first() if email else None
    audit.record(
        user.family if user else None,
        user,
        audit.Kind.LOGIN_FAILED,
        _("Échec de connexion pour %(email)s") % {"email": email[:200] or "?"},
        request=request,
    )


@receiver(password_reset, dispatch_uid="audit_password_reset")
def _audit_password_reset(
    sender: object, request: HttpRequest, user: User, **kwargs: object
) -> None:
    audit.record(
        user.family,
        user,
        audit.Kind.PASSWORD_SET,
        _("Mot de passe défini par le lien reçu par e-mail"),
        request=request,
    )


@receiver(password_changed, dispatch_uid="audit_password_changed")
def _audit_password_changed(
    sender: object, request: HttpRequest, user: User, **kwargs: object
) -> None:
    audit.record(
        user.family, user, audit.Kind.PASSWORD_CHANGED, _("Mot de passe modifié"), request=request
    )


@receiver(password_set, dispatch_uid="audit_password_set")
def _audit_password_set(sender: object, request: HttpRequest, user: User, **kwargs: object) -> None:
    audit.record(
        user.family, user, audit.Kind.PASSWORD_SET, _("Mot de passe défini"), request=request
    )


@receiver(authenticator_added, dispatch_uid="audit_mfa_added")
@receiver(authenticator_removed, dispatch_uid="audit_mfa_removed")
@receiver(authenticator_reset, dispatch_uid="audit_mfa_reset")
def _audit_second_factor(
    sender: object,
    request: HttpRequest,
    user: User,
    authenticator: Authenticator,
    signal: Signal,
    **kwargs: object,
) -> None:
    summaries = {
        authenticator_added: _("Double authentification ajoutée (%(type)s)"),
        authenticator_removed: _("Double authentification retirée (%(type)s)"),
        authenticator_reset: _("Codes de secours régénérés (%(type)s)"),
    }
    audit.record(
        user.family,
        user,
        audit.Kind.SECOND_FACTOR_CHANGED,
        summaries[signal] % {"type": authenticator.get_type_display()},
        request=request,
    )
