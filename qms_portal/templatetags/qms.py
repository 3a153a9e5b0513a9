"""Template helpers. ``{% if user|may:"change"|on:obj %}`` asks the one permission mechanism."""

import functools

from django import template
from django.utils.formats import date_format
from django.utils.timezone import template_localtime
from django.utils.translation import get_language

from ..permissions import can

register = template.Library()

class _Ask:
    def __init__(self, user, action):
        self.user, self.action = user, action


@register.filter
def may(user, action):
    return _Ask(user, action)


@register.filter
def on(ask, obj):
    return can(ask.user, ask.action, obj)


@register.filter
def has_perm(user, perm):
    """Held anywhere (for navigation)."""
    return user.has_perm(perm)


@register.simple_tag(takes_context=True)
def language_switcher(context, next_url=None):
    """The language switcher (``navigation.language_switcher_html``) for the pages without the
    signed-in navigation: the sign-in page, token pages. It comes back to ``next_url``, by default
    the page's address with its query."""
    from ..navigation import language_switcher_html

    return language_switcher_html(context["request"], next_url)


@register.simple_tag
def signatures(obj):
    """The signed transitions of a record: who signed, when, and what the signature means."""
    from ..workflow import transitions_of

    return transitions_of(obj).exclude(signature_meaning="")


@register.filter
def han(value, variant=None):
    """``{{ document.title|han:han }}``: the text escaped, its Chinese runs in ``<span lang="zh-Hans">``
    or ``zh-Hant`` (``variant``, else as the text's own characters say), for the PDFs' fonts."""
    from ..pdf import mark_han

    return mark_han(value, variant or None)


@functools.lru_cache(maxsize=512)
def _choice_labels(field, language):
    return {value: str(label) for value, label in field.flatchoices}


@register.filter
def choice_label(obj, field_name):
    """``{{ row|choice_label:"status" }}``: what ``row.get_status_display`` shows, in the active
    language. Django's method hashes every choice's lazy label, a translation lookup each, on every
    call (25 rows × 2 fields of 8 choices: 400 lookups a page); here a field's labels are made once
    per language and process."""
    field = obj._meta.get_field(field_name)
    value = getattr(obj, field.attname)
    return _choice_labels(field, get_language()).get(value, value)


def local_date(value, format_name="SHORT_DATE_FORMAT"):
    """``{{ value|date:format_name }}`` for rows written in Python: a datetime in the current time
    zone first (the filter's own conversion), "" for none."""
    return "" if value is None else date_format(template_localtime(value), format_name)


@register.filter
def code_label(value, field_path):
    """``{{ "in_progress"|code_label:"nonconformities.Nonconformity.status" }}``: the label of a
    stored choice code in the active language (a management review's frozen inputs keep codes,
    not text, so that each reader reads them in their own language); the code itself when the
    model or the choice is gone."""
    from django.apps import apps

    try:
        app_label, model_name, field_name = field_path.split(".")
        field = apps.get_model(app_label, model_name)._meta.get_field(field_name)
    except (LookupError, ValueError):
        return value
    return _choice_labels(field, get_language()).get(value, value)
