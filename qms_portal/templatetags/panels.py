"""``{% object_panels object %}``: the panels areas registered for the object's model
(``areas.Panel``), rendered where a page calls the tag — a page shows what other areas add to it
without importing them (the documents' page shows the training area's coverage)."""

from django import template
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from qms_portal import areas

register = template.Library()


@register.simple_tag(takes_context=True)
def object_panels(context, obj):
    request = context.get("request")
    if obj is None or request is None:
        return ""
    parts = []
    for panel in areas.panels_for(obj):
        try:
            panel_context = panel.context_for(request, obj)
        except PermissionDenied:
            continue
        if panel_context is None:
            continue
        parts.append(render_to_string(panel.template, {"object": obj, **panel_context}, request=request))
    return mark_safe("".join(parts))  # noqa: S308 - rendered templates, escaped by Django
