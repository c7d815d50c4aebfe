"""Fixtures of the famille tests: the children of TEST and a way to set the field policy."""

import pytest

from famille.models import ChangeRequest, FieldPolicy
from famille.services import change_request_create


@pytest.fixture
def set_policy(db):
    def _set(target: str, field_name: str, access: str, required: bool = False) -> FieldPolicy:
        policy, _ = FieldPolicy.objects.update_or_create(
            target=target,
            field_name=field_name,
            defaults={"access": access, "required": required},
        )
        return policy

    return _set


@pytest.fixture
def pending_request(family, parent, lea) -> ChangeRequest:
    """Léa's allergies asked for by the parent, waiting for staff."""
    return change_request_create(
        family=family, user=parent, target=lea, values={"allergies": "Arachides"}
    )
