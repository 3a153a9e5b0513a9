"""The nonconformities area's input to a management review (ISO 9001 9.3.2 c) 4): nonconformities
and corrective actions of a unit's subtree over the review's period — opened and closed in it, still
open by status, corrective actions overdue, and what the period's came from (their source).

``compile_nonconformities(unit, start, end)`` reads it in four queries whatever the subtree's size
and returns codes and numbers (JSON-ready: a review frozen when it is held keeps them), rendered in
each reader's language by ``nonconformities/review_input.html``. Registered in ``apps.py``."""

from datetime import datetime, time, timedelta

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KEY = "nonconformities"
TEMPLATE = "nonconformities/review_input.html"
LABEL = _("Nonconformities and corrective actions")


def _aware(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def _in_order(counts, choices):
    """``[[code, n], …]`` in the order of the choices (codes no longer in them last)."""
    order = {code: i for i, code in enumerate(choices.values)}
    return [[code, n] for code, n in sorted(counts.items(), key=lambda pair: order.get(pair[0], len(order)))]


def compile_nonconformities(unit, start, end):
    from .models import OPEN_STATUSES, CorrectiveAction, Nonconformity

    today = timezone.localdate()
    as_of = min(end, today)
    in_tree = Nonconformity.objects.filter(unit__path__startswith=unit.path).order_by()
    by_source = dict(in_tree.filter(detected_on__gte=start, detected_on__lte=end)
                     .values_list("source").annotate(n=Count("pk")))
    closed = in_tree.filter(status=Nonconformity.Status.CLOSED, closed_at__gte=_aware(start),
                            closed_at__lt=_aware(end + timedelta(days=1))).count()
    open_by_status = dict(in_tree.filter(status__in=OPEN_STATUSES).values_list("status").annotate(n=Count("pk")))
    overdue = (CorrectiveAction.objects.filter(unit__path__startswith=unit.path, due__lt=as_of,
                                               status__in=(CorrectiveAction.Status.OPEN,
                                                           CorrectiveAction.Status.IN_PROGRESS))
               .order_by().count())
    return {
        "opened": sum(by_source.values()),
        "closed": closed,
        "open": sum(open_by_status.values()),
        "open_by_status": _in_order(open_by_status, Nonconformity.Status),
        "overdue_actions": overdue,
        "by_source": _in_order(by_source, Nonconformity.Source),
        "as_of": as_of.isoformat(),
    }


def review_inputs():
    from qms_portal.areas import ReviewInput

    return [ReviewInput(KEY, LABEL, compile_nonconformities, TEMPLATE)]
