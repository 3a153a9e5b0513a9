"""ncreports: the nonconformities' figures for the steering committee's view (``areas.Figure``):
each counts rows the reader may see; the dashboard counts them per unit and rolls them up the unit
tree. The rates (on-time closure, days to close, recurrence) are computed per unit by
``selectors.figures.closure_figures`` from the same definitions."""

from urllib.parse import urlencode

from django.db.models import DurationField, ExpressionWrapper, F
from django.db.models.functions import TruncDate
from django.urls import reverse_lazy
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from qms_portal.areas import Figure
from qms_portal.links import unit_register

from .models import Nonconformity
from .selectors import figures
from .selectors.nonconformity import overdue_q


def _register(**params):
    return lazy(lambda: f"{reverse_lazy('nonconformities:register')}?{urlencode(params)}", str)()


def _link(**params):
    """The register filtered to exactly the rows a figure counts for a unit's subtree (and, for a
    figure of a period, closed in the period)."""
    def link(unit, period):
        query = dict(params)
        if "closed_from" in params and period is not None:
            query.update(closed_from=period.start.isoformat(), closed_to=period.end.isoformat())
        return unit_register("nonconformities:register", unit, **query)
    return link


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


def overdue(user):
    """Open nonconformities with an action still to do past its due date (the register's "overdue")."""
    return figures.open_nonconformities(user).filter(overdue_q())


def closed(user):
    """Closed nonconformities (the dashboard keeps those closed in its period, by ``closed_at``)."""
    return Nonconformity.objects.restrict(user, "view").filter(status=Nonconformity.Status.CLOSED)


def raised(user):
    """Nonconformities raised (all but those rejected as not nonconformities); the annual ISO report
    keeps those detected in its year, by ``detected_on``."""
    return Nonconformity.objects.restrict(user, "view").exclude(status=Nonconformity.Status.REJECTED)


# Days from detection to the local date of closing (as ``selectors.figures.closure_figures``).
DAYS_TO_CLOSE = ExpressionWrapper(TruncDate("closed_at") - F("detected_on"), output_field=DurationField())


FIGURES = [
    Figure("nonconformities.open", _("Open nonconformities"), open_nonconformities, _register(status="open"),
           link=_link(status="open"), trend=True),
    Figure("nonconformities.overdue", _("Open nonconformities with an overdue action"), overdue,
           _register(status="open", overdue="true"), limits=(0, 2), link=_link(status="open", overdue="true")),
    Figure("nonconformities.closed_in_period", _("Nonconformities closed in the period"), closed,
           _register(status="closed"), "good", period_field="closed_at",
           link=_link(status="closed", closed_from=""), trend=True),
    Figure("nonconformities.days_to_close", _("Average days to close"), closed, _register(status="closed"),
           kind="average", value=DAYS_TO_CLOSE, period_field="closed_at", limits=(30, 60),
           link=_link(status="closed", closed_from=""), trend=True),
    Figure("nonconformities.open_over_90_days", _("Nonconformities open for more than 90 days"),
           open_over_90_days, _register(status="open"), column=False),
    Figure("nonconformities.closed", _("Nonconformities closed in the past 12 months"), closed_this_year,
           _register(status="closed"), "good", column=False),
    Figure("nonconformities.closed_late", _("Closed in the past 12 months with an action done late"), closed_late,
           _register(status="closed"), column=False),
    # For the annual ISO report (qms_portal.steering): off the dashboard's table.
    Figure("nonconformities.raised", _("Nonconformities raised in the period"), raised, _register(), "good",
           period_field="detected_on", column=False),
    Figure("nonconformities.recurring", _("Closed in the past 12 months that recurred"), recurring,
           _register(status="closed"), column=False),
]
