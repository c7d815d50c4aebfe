from __future__ import annotations

from functools import cached_property
from typing import Any

from django.forms.renderers import Jinja2, TemplatesSetting

# Django ships every template under this prefix twice, for its own template language and for
# Jinja2, with the same markup. The project overrides none of them (its field layout is
# forms/field.html), so the Jinja2 copies are used: each field renders three to six of these
# small templates, and the Django language spent more time on them than on anything else in
# the admin's forms and lists (benchmarks/admin.py, docs/benchmarks.md "Issue 18, fourth part").
DJANGO_FORM_TEMPLATES = "django/forms/"


class PortalFormRenderer(TemplatesSetting):
    """Fields with a star on required labels and their errors tied to the input (aria).

    The project's own templates (forms/field.html, the admin's widgets) come from the project's
    template settings; Django's built-in widget, label and error templates from their Jinja2
    copies.
    """

    field_template_name = "forms/field.html"

    @cached_property
    def builtin(self) -> Jinja2:
        return Jinja2()

    def get_template(self, template_name: str) -> Any:
        if template_name.startswith(DJANGO_FORM_TEMPLATES):
            return _DjangoEscapes(self.builtin.get_template(template_name))
        return super().get_template(template_name)


class _DjangoEscapes:
    """A Jinja2 template whose output escapes the apostrophe as Django does (&#x27;, where
    MarkupSafe writes &#39;: the same character), so that a page reads the same byte for byte
    whichever language rendered its fields."""

    def __init__(self, template: Any) -> None:
        self.template = template

    def render(self, context: dict[str, Any] | None = None, request: Any = None) -> str:
        return self.template.render(context, request).replace("&#39;", "&#x27;")
