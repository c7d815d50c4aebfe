"""Every inline of the admin names its inputs: a tabular row has no <label> (RGAA, axe "label")."""

import re

import pytest
from django.contrib import admin
from django.urls import reverse

from espace_famille.admin_security import LabelledInlineMixin

pytestmark = pytest.mark.django_db


def test_every_inline_of_the_admin_site_is_labelled():
    inlines = {
        inline for model_admin in admin.site._registry.values() for inline in model_admin.inlines
    }
    assert inlines, "the admin has inlines"
    unlabelled = sorted(i.__name__ for i in inlines if not issubclass(i, LabelledInlineMixin))
    assert unlabelled == []


@pytest.mark.parametrize(
    ("url_name", "obj_fixture", "prefix"),
    [("admin:famille_family_change", "family", "members-")],
)
def test_inline_inputs_carry_the_name_of_their_field(
    staff_client, request, url_name, obj_fixture, prefix
):
    obj = request.getfixturevalue(obj_fixture)
    html = staff_client.get(reverse(url_name, args=[obj.pk])).content.decode()
    fields = [
        tag
        for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", html)
        if f'name="{prefix}' in tag and 'type="hidden"' not in tag and "__prefix__" not in tag
    ]
    assert fields, "the inline shows its rows"
    assert [tag for tag in fields if "aria-label=" not in tag] == []
    assert 'aria-label="Prénom"' in html
