"""Fixtures of the famille tests: the children of TEST and a way to set the field policy."""

import pytest

from famille.models import ChangeRequest, FieldPolicy, Member
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


def child_post(member: Member, **changes: object) -> dict[str, object]:
    """The POST a browser sends for a child's form when the parent changes `changes`."""
    data: dict[str, object] = {
        "first_name": member.first_name,
        "last_name": member.last_name,
        "birth_date": member.birth_date.isoformat() if member.birth_date else "",
        "phone": member.phone,
        "email": member.email,
        "school": member.school,
        "school_class": member.school_class,
        "doctor_name": member.doctor_name,
        "doctor_phone": member.doctor_phone,
        "allergies": member.allergies,
        "dietary_needs": member.dietary_needs,
    }
    for flag in ("has_pai", "photo_allowed", "may_leave_alone", "transport_allowed"):
        if getattr(member, flag):
            data[flag] = "on"
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        elif value is True:
            data[name] = "on"
        else:
            data[name] = value
    return data
