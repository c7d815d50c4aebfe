"""The fuzz tests run against the demo data, as the parent of the demo family TEST."""

import pytest
from django.core.management import call_command

from espace_famille.models import User


@pytest.fixture
def demo_parent(db, client):
    call_command("demo", force=True, verbosity=0)
    parent = User.objects.get(email="test@example.org")
    client.force_login(parent)
    return client, parent.family
