"""ncreports: the nonconformities' figures for the steering committee's view (``areas.Figure``):
each counts rows the reader may see; the dashboard counts them per unit and rolls them up the unit
tree. The rates (on-time closure, days to close, recurrence) are computed per unit by
``selectors.figures.closure_figures`` from the same definitions."""

from urllib.parse import urlencode

from django.urls import reverse_lazy
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from qms_portal.areas import Figure

from .selectors import figures


def _register(**params):
    return lazy(lambda: f"{reverse_lazy('nonconformities:register')}?{urlencode(params)}", str)()


def open_nonconformities(user):
    return figures.open_nonconformities(user)


def open_over_90_days(user):
    return figures.open_older_than(user, 90)


def closed_this_year(user):
    return figures.closed_in_period(user)


def closed_late(user):
    return figures.closed_late(user)


def recurring(user):
    return figures.recurring_closures(user)


FIGURES = [
    Figure("nonconformities.open", _("Open nonconformities"), open_nonconformities, _register(status="open")),
    Figure("nonconformities.open_over_90_days", _("Nonconformities open for more than 90 days"),
           open_over_90_days, _register(status="open")),
    Figure("nonconformities.closed", _("Nonconformities closed in the past 12 months"), closed_this_year,
           _register(status="closed"), "good"),
    Figure("nonconformities.closed_late", _("Closed in the past 12 months with an action done late"), closed_late,
           _register(status="closed")),
    Figure("nonconformities.recurring", _("Closed in the past 12 months that recurred"), recurring,
           _register(status="closed")),
]
