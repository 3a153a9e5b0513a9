"""Reading the sessions part: the lists (a fixed number of queries whatever the number of rows),
a session's participants and their counts."""

from django.db.models import Count, Q

from ..models import Course, Participant, Session

A = Participant.Attendance


def session_list_queryset(user):
    """The sessions ``user`` may see (their units', and those naming them as trainer); how many were
    invited and present: ``with_counts`` on a page of them."""
    return (Session.objects.restrict(user, "view").select_related("unit", "course", "trainer")
            .defer("note", "search_key", "course__description", "course__search_key", "unit__search_key"))


def with_counts(sessions):
    """Set on each of ``sessions`` (a page of them) how many were invited (``n_people``) and how many
    were present (``n_present``): one GROUP BY on the page's keys. (As two correlated counts in the
    list's query, PostgreSQL counted them for every session before sorting them by date: 15 ms a
    page at province scale, 2,000 sessions; this query takes under 1 ms.)"""
    sessions = list(sessions)
    counts = {row["session"]: row for row in (
        Participant.objects.filter(session_id__in=[session.pk for session in sessions]).order_by()
        .values("session").annotate(n=Count("pk"), present=Count("pk", filter=Q(attendance=A.PRESENT))))}
    for session in sessions:
        row = counts.get(session.pk, {})
        session.n_people, session.n_present = row.get("n", 0), row.get("present", 0)
    return sessions


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
