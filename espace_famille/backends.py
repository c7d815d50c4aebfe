"""Authentication backend that loads a login together with its family in one query."""

from allauth.account.auth_backends import AuthenticationBackend

from espace_famille.models import User


class FamilyAwareAuthenticationBackend(AuthenticationBackend):
    def get_user(self, user_id: int | str) -> User | None:
        try:
            user = User._default_manager.select_related("family").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
