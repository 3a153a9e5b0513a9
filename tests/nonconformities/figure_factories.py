"""ncreports: nonconformities detected and closed on chosen days, for the figures' tests."""

from datetime import timedelta

from django.utils import timezone

from tests.nonconformities.factories import close, raise_nc, to_verification


def today():
    return timezone.localdate()


def opened(ns, unit, days_ago, **fields):
    by = ns.reporter if unit == ns.dept else ns.staff if unit == ns.office else ns.outsider
    return raise_nc(ns, unit=unit, by=by, detected_on=today() - timedelta(days=days_ago), **fields)


def closed(ns, unit, detected_days_ago, closed_days_ago, *, late=False, **fields):
    """A nonconformity detected and closed that many days ago; ``late``: one action done after its due date."""
    nc = opened(ns, unit, detected_days_ago, **fields)
    nc, actions = to_verification(ns, nc)
    close(ns, nc)
    nc.refresh_from_db()
    nc.closed_at = timezone.now() - timedelta(days=closed_days_ago)
    nc.save()
    if late:
        action = actions[0]
        action.refresh_from_db()
        action.due = today() - timedelta(days=closed_days_ago + 10)
        action.completed_at = timezone.now() - timedelta(days=closed_days_ago + 5)
        action.save()
    return nc
