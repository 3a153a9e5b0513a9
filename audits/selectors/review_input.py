"""The audits area's input to a management review (ISO 9001 9.3.2 c) 6), registered by the review
part (``audits/parts/review.py``): the audits of a unit's subtree closed in the review's period (by
kind, the latest listed), their findings by grade, and the nonconformity findings still open
(no nonconformity recorded yet, or one not closed) whenever they were found.

``compile_audits(unit, start, end)`` reads it in four queries whatever the subtree's size and returns
codes and numbers (a frozen review keeps them), rendered by ``audits/review_input.html``."""

from datetime import datetime, time, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from ..models import Audit, Finding

LISTED = 20  # the latest audits closed in the period named in the input


def _aware(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def _in_order(counts, choices):
    order = {code: i for i, code in enumerate(choices.values)}
    return [[code, n] for code, n in sorted(counts.items(), key=lambda pair: order.get(pair[0], len(order)))]


def compile_audits(unit, start, end):
    from nonconformities.models import OPEN_STATUSES

    closed = Audit.objects.filter(unit__path__startswith=unit.path, status=Audit.Status.CLOSED,
                                  closed_at__gte=_aware(start), closed_at__lt=_aware(end + timedelta(days=1)))
    by_kind = dict(closed.order_by().values_list("kind").annotate(n=Count("pk")))
    latest = [{"number": number, "title": title, "kind": kind, "closed_on": timezone.localdate(at).isoformat()}
              for number, title, kind, at in closed.order_by("-closed_at", "-pk")
              .values_list("number", "title", "kind", "closed_at")[:LISTED]]
    by_grade = dict(Finding.objects.filter(audit__in=closed.values("pk")).order_by().values_list("grade")
                    .annotate(n=Count("pk")))
    open_findings = (Finding.objects.filter(audit__unit__path__startswith=unit.path,
                                            grade__in=Finding.NONCONFORMITY_GRADES)
                     .filter(Q(nonconformity__isnull=True) | Q(nonconformity__status__in=OPEN_STATUSES))
                     .order_by().count())
    return {
        "closed": sum(by_kind.values()),
        "by_kind": _in_order(by_kind, Audit.Kind),
        "latest": latest,
        "findings_by_grade": _in_order(by_grade, Finding.Grade),
        "open_nonconformity_findings": open_findings,
    }
