"""``{{ status|status_badge }}``: an indicator's status for a period (achieved, at risk, missed, or no
value) as a badge, in words. Written in Python: the indicator list shows one on each row and the
indicator's page one for each of its 24 periods, and an include per badge cost more than the rest
of a row."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

register = template.Library()

BADGES = {"achieved": ("text-bg-success", _("Achieved")), "at_risk": ("text-bg-warning", _("At risk")),
          "missed": ("text-bg-danger", _("Missed"))}
NO_VALUE = ("text-bg-light border text-body-secondary", _("No value"))


@register.filter
def status_badge(status):
    css, words = BADGES.get(status, NO_VALUE)
    return format_html('<span class="badge {}">{}</span>', css, words)


OBJECTIVE_COLOURS = {"achieved": "text-bg-success", "not_achieved": "text-bg-danger", "active": "text-bg-primary"}


@register.filter
def objective_badge(objective):
    """``{{ objective|objective_badge }}``: a quality objective's status as a badge, in words."""
    return format_html('<span class="badge {}">{}</span>', OBJECTIVE_COLOURS.get(objective.status, "text-bg-secondary"),
                       objective.get_status_display())
