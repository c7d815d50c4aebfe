"""The data migrations' role grants (espace_famille.role_grants): given to the groups that
exist, taken back when the migration is reversed, and nothing for a structure without them."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from espace_famille.role_grants import role_grants

pytestmark = pytest.mark.django_db

GRANTS = {
    "Direction": ["change_sharedcustody", "view_sharedcustody"],
    "Absent": ["view_sharedcustody"],
}


def _codenames(group: Group) -> set[str]:
    return set(group.permissions.values_list("codename", flat=True))


def test_the_grants_go_to_the_existing_groups_and_come_back_on_reverse():
    direction, _created = Group.objects.get_or_create(name="Direction")  # made by 0006
    direction.permissions.clear()
    operation = role_grants("famille", GRANTS)
    operation.code(apps, None)
    assert {"change_sharedcustody", "view_sharedcustody"} <= _codenames(direction)
    assert not Group.objects.filter(name="Absent").exists()  # no group is created
    operation.reverse_code(apps, None)
    assert not {"change_sharedcustody", "view_sharedcustody"} & _codenames(direction)
