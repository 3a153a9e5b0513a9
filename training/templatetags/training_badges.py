"""``{{ state|state_badge }}``: a qualification's state (valid, expiring, expired, withdrawn) as a
badge, in words (a qualification's page, My training). Written in Python: an include per badge
cost more than the rest of a row. The qualifications list writes its rows in Python with the same
``BADGES`` (``training/views/competence.py``, ``qualification_rows``)."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

register = template.Library()

BADGES = {"valid": ("text-bg-success", _("Valid")), "expiring": ("text-bg-warning", _("Expiring")),
          "expired": ("text-bg-danger", _("Expired"))}
WITHDRAWN = ("text-bg-secondary", _("Withdrawn"))


@register.filter
def state_badge(state):
    css, words = BADGES.get(state, WITHDRAWN)
    return format_html('<span class="badge {}">{}</span>', css, words)
