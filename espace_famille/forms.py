from django.forms.renderers import TemplatesSetting


class PortalFormRenderer(TemplatesSetting):
    """Fields with a star on required labels and their errors tied to the input (aria)."""

    field_template_name = "forms/field.html"
