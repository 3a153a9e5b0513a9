"""Reads of nonconformities and corrective actions: the register, the records a source raised,
similar nonconformities (ISO 9001 10.2.1 b 3), the actions of a nonconformity."""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import ACTIVE_ACTION_STATUSES, OPEN_STATUSES, CorrectiveAction, Nonconformity

__all__ = ["AGE_BUCKETS", "RECENT_DAYS", "action_register", "actions_of", "age_bucket_q", "mark_overdue",
           "nonconformities_of",
           "overdue_q", "register_queryset", "similar_nonconformities", "status_counts"]

# How old an open nonconformity is (days since it was detected): key → (label, from, to).
AGE_BUCKETS = {
    "30": (_("Up to 30 days"), 0, 30),
    "90": (_("31 to 90 days"), 31, 90),
    "180": (_("91 to 180 days"), 91, 180),
    "older": (_("More than 180 days"), 181, None),
}
# "Recent" for similar nonconformities: closed or rejected within this many days.
RECENT_DAYS = 365


def nonconformities_of(obj):
    """The nonconformities raised from ``obj`` (an audit finding, a feedback, a nonconforming
    output…): the other side of ``Nonconformity.source_object``. Not restricted: restrict it for a
    reader (``.restrict(user, "view")``)."""
    return Nonconformity.objects.filter(source_type=ContentType.objects.get_for_model(type(obj)), source_id=obj.pk)


def overdue_q(today=None):
    """Nonconformities with at least one action still to do past its due date."""
    today = today or timezone.localdate()
    late = CorrectiveAction.nonconformities.through.objects.filter(
        nonconformity_id=OuterRef("pk"), correctiveaction__status__in=ACTIVE_ACTION_STATUSES,
        correctiveaction__due__lt=today,
    )
    return Q(Exists(late))


def age_bucket_q(key, today=None):
    """Open nonconformities detected within the bucket's range of days."""
    today = today or timezone.localdate()
    _label, low, high = AGE_BUCKETS[key]
    q = Q(status__in=OPEN_STATUSES, detected_on__lte=today - timedelta(days=low))
    if high is not None:
        q &= Q(detected_on__gte=today - timedelta(days=high))
    return q


def register_queryset(user, overdue=True):
    """The nonconformities ``user`` may see, with what the register shows (unit, clause, procedure)
    and whether any action is overdue (``is_overdue``): one query whatever the rows. A page of a
    long list passes ``overdue=False`` and marks its own rows (``mark_overdue``): PostgreSQL plans
    the annotation for every row the filters select, not for the page's 25 (at a province it builds
    the whole set of overdue nonconformities on every visit)."""
    rows = (Nonconformity.objects.restrict(user, "view")
            .select_related("unit", "clause", "procedure")
            .defer("description", "containment", "root_cause", "verification_note", "rejection_reason",
                   "five_whys", "fishbone", "procedure__search_key"))
    return rows.annotate(is_overdue=overdue_q()) if overdue else rows


def mark_overdue(rows, today=None):
    """Set ``is_overdue`` on each of ``rows`` (nonconformities, a page of them): one query on the
    rows' own keys, whatever the size of the register."""
    rows = list(rows)
    if not rows:
        return rows
    today = today or timezone.localdate()
    late = set(CorrectiveAction.nonconformities.through.objects.filter(
        nonconformity_id__in=[row.pk for row in rows], correctiveaction__status__in=ACTIVE_ACTION_STATUSES,
        correctiveaction__due__lt=today).values_list("nonconformity_id", flat=True))
    for row in rows:
        row.is_overdue = row.pk in late
    return rows


def status_counts(queryset):
    """{status: count} of a (filtered) register queryset, in one query."""
    # COUNT(*): read from the (status, unit) index alone where the filters allow (ncscale)
    rows = queryset.order_by().values("status").annotate(n=Count("*")).values_list("status", "n")
    return dict(rows)


def similar_nonconformities(nc, user, limit=10):
    """Open and recent nonconformities with the same clause, unit or procedure as ``nc`` that
    ``user`` may see, so a recurring problem is seen (ISO 9001:2015 10.2.1 b 3). The closest first:
    the same procedure, then the same clause, then the same unit; open before closed."""
    same = Q(unit_id=nc.unit_id)
    if nc.clause_id:
        same |= Q(clause_id=nc.clause_id)
    if nc.procedure_id:
        same |= Q(procedure_id=nc.procedure_id)
    since = timezone.localdate() - timedelta(days=RECENT_DAYS)
    recent = Q(status__in=OPEN_STATUSES) | Q(detected_on__gte=since)
    rows = (Nonconformity.objects.restrict(user, "view").filter(same).filter(recent).exclude(pk=nc.pk)
            .exclude(status=Nonconformity.Status.REJECTED)
            .select_related("unit", "clause").only("pk", "number", "title", "status", "detected_on", "unit",
                                                    "clause", "procedure_id", "grade")
            .order_by("-detected_on", "-pk")[: limit * 3])

    def closeness(row):
        return (0 if nc.procedure_id and row.procedure_id == nc.procedure_id else
                1 if nc.clause_id and row.clause_id == nc.clause_id else 2,
                0 if row.status in OPEN_STATUSES else 1)

    return sorted(rows, key=closeness)[:limit]


def action_register(user):
    """The actions ``user`` may see (their own included, through their grants), with their owner and
    unit, by due date."""
    return (CorrectiveAction.objects.restrict(user, "view").select_related("owner", "unit")
            .defer("completion_note", "cancel_reason"))


def actions_of(nc):
    """The actions serving ``nc``, with their owners, in due order."""
    return nc.actions.select_related("owner").order_by("due", "pk")
