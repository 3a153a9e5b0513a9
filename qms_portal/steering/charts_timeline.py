"""The timeline of one unit's rollout: planned against actual dates per phase (an SVG chart)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from .. import charts


def timeline(lines, today=None):
    return charts.timeline(
        [(line.label, line.planned_start, line.planned_end, line.actual_start, line.actual_end, line.late)
         for line in lines],
        title=_("Planned and actual dates"), today=today or timezone.localdate(), planned_label=_("Planned"),
        actual_label=_("Actual"), category_label=_("Phase"))
