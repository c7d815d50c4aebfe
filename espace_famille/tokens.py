"""The token of invitation and "mot de passe oublié" links (allauth's reset-from-key view)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.http import base36_to_int

if TYPE_CHECKING:
    from espace_famille.models import User


class InvitationAwareTokenGenerator(PasswordResetTokenGenerator):
    """A reset token that lives longer for an invitation than for a forgotten password.

    An account that never had a password is being invited: its link lives
    INVITATION_VALIDITY_DAYS. Otherwise it lives PASSWORD_RESET_LINK_HOURS. The hash covers the
    password and the email address, so the link stops working once used or once the address
    changes. A deactivated account's links set no password: the check refuses inactive users
    both when the link is opened and when the new password is posted. (Built on Django's
    generator, not allauth's, which imports this module.)
    """

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        return super()._make_hash_value(user, timestamp) + (user.email or "")

    def check_token(self, user: User | None, token: str | None) -> bool:
        if user is None or token is None or not user.is_active:
            return False
        if not super().check_token(user, token):
            return False
        try:
            issued = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        if user.has_usable_password():
            limit = settings.PASSWORD_RESET_LINK_HOURS * 3600
        else:
            limit = settings.INVITATION_VALIDITY_DAYS * 86400
        return self._num_seconds(self._now()) - issued <= limit


token_generator = InvitationAwareTokenGenerator()
