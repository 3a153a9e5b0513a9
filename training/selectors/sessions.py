"""Reading the sessions part: the lists (a fixed number of queries whatever the number of rows),
a session's participants and their counts."""

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from ..models import Course, Participant, Session

A = Participant.Attendance


def _count(**filters):
    rows = (Participant.objects.filter(session=OuterRef("pk"), **filters).order_by().values("session")
            .annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def session_list_queryset(user):
    """The sessions ``user`` may see (their units', and those naming them as trainer), with how many
    were invited and how many were present."""
    return (Session.objects.restrict(user, "view").select_related("unit", "course", "trainer")
            .defer("note", "search_key", "course__description", "course__search_key", "unit__search_key")
            .annotate(n_people=_count(), n_present=_count(attendance=A.PRESENT)))


def course_list_queryset(user):
    return (Course.objects.restrict(user, "view").annotate(n_sessions=Count("sessions", distinct=True))
            .defer("description", "search_key").order_by("code", "pk"))


def participants_of(session):
    return (Participant.objects.filter(session=session).select_related("user", "unit", "marked_by")
            .order_by("unit__path", "user__full_name", "id"))


def attendance_counts(session):
    """``{attendance: n}`` and the total, in one query."""
    counts = dict(Participant.objects.filter(session=session).order_by().values_list("attendance")
                  .annotate(n=Count("pk")).values_list("attendance", "n"))
    counts = {value: counts.get(value, 0) for value in A.values}
    counts["total"] = sum(counts.values())
    counts["walk_in"] = Participant.objects.filter(session=session, via=Participant.Via.WALK_IN).count()
    return counts


def trained_by(user):
    return Q(trainer=user)
