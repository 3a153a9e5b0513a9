"""The records part's reads: the attendance sheet, a session's feedback results, a person's own
participations (certificates and feedback to give), the effectiveness checks a head has to make,
and the "My work" section. Each runs a bounded number of queries whatever the rows."""

from datetime import timedelta

from django.db.models import Avg, Count, Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qms_portal.mywork import Section
from qms_portal.pdf import han_variant

from ..models import EffectivenessCheck, Feedback, Participant, Session

A = Participant.Attendance
HELD = (Session.Status.HELD, Session.Status.CLOSED)
SHOWN = 10
SOON_DAYS = 14  # a check is listed (and in My work) this many days before it falls due


def trainer_label(session):
    if session.trainer_id:
        return session.trainer.full_name or session.trainer.username
    if session.external_organisation:
        return f"{session.external_trainer} ({session.external_organisation})"
    return session.external_trainer


def attendance_sheet_context(session, user):
    """Everything the attendance sheet prints: the session, and its participants by unit and name
    (two queries for any number of them)."""
    participants = list(session.participants.select_related("user", "unit").order_by("unit__path", "user__full_name",
                                                                                       "id"))
    absent = [p for p in participants if p.attendance in (A.ABSENT, A.EXCUSED)]
    names = [session.course.title, session.unit.name, session.place, trainer_label(session)]
    names += [p.user.full_name for p in participants] + [p.unit.name for p in participants if p.unit_id]
    counts = {value: 0 for value in A.values}
    for p in participants:
        counts[p.attendance] += 1
    return {
        "session": session, "course": session.course, "trainer": trainer_label(session), "participants": participants,
        "absent": absent, "walk_ins": sum(1 for p in participants if p.via == Participant.Via.WALK_IN),
        "counts": counts, "han": han_variant(*names), "printed_at": timezone.now(), "printed_by": user,
    }


def feedback_summary(session):
    """The averages (1–5) of the feedback on ``session``, how many answered of how many present,
    and the comments (newest first). Two queries."""
    rows = Feedback.objects.filter(participant__session=session)
    figures = rows.aggregate(count=Count("pk"), relevance=Avg("relevance"), content=Avg("content"),
                             trainer=Avg("trainer"), overall=Avg("overall"))
    figures["present"] = session.participants.filter(attendance=A.PRESENT).count()
    figures["comments"] = list(rows.exclude(comment="").order_by("-updated_at", "-pk")
                               .values_list("comment", flat=True)[:50]) if figures["count"] else []
    return figures


def own_participations(user):
    """The person's participations in sessions held, newest first, with whether they gave feedback."""
    return (Participant.objects.filter(user=user, session__status__in=HELD)
            .select_related("session__course", "session__unit")
            .annotate(has_feedback=Exists(Feedback.objects.filter(participant=OuterRef("pk"))))
            .order_by("-session__starts_at", "-pk"))


def filter_state(queryset, state, today=None):
    """``due`` (not recorded, due within 14 days or overdue), ``overdue``, ``upcoming`` (not
    recorded, later), ``done`` (recorded), anything else: all."""
    today = today or timezone.localdate()
    soon = today + timedelta(days=SOON_DAYS)
    if state == "due":
        return queryset.filter(checked_on__isnull=True, due_on__lte=soon)
    if state == "overdue":
        return queryset.filter(checked_on__isnull=True, due_on__lt=today)
    if state == "upcoming":
        return queryset.filter(checked_on__isnull=True, due_on__gt=soon)
    if state == "done":
        return queryset.filter(checked_on__isnull=False)
    return queryset


def checks_queryset(user, *, state="all", today=None):
    """The effectiveness checks ``user`` may make (the participant's unit in the scope of their
    "check effectiveness"), with what the list shows, in one query; ``state`` as ``filter_state``."""
    qs = (EffectivenessCheck.objects.restrict(user, "training.check_effectiveness")
          .select_related("participant__user", "participant__unit", "participant__session__course",
                          "participant__session__unit", "checked_by")
          .defer("note", "participant__session__note", "participant__session__course__description",
                 "participant__user__search_key"))
    return filter_state(qs, state, today)


def _person(user):
    return user.full_name or user.username


def _short(day):
    from django.utils.formats import date_format

    return date_format(day, "SHORT_DATE_FORMAT")


def records_work(user):
    """My work: the effectiveness checks due for a head (overdue first), and the feedback the person
    has not given on sessions held in the past 60 days. Two queries at most."""
    sections = []
    today = timezone.localdate()
    if user.has_perm("training.check_effectiveness"):
        checks = list(checks_queryset(user, state="due", today=today).order_by("due_on", "pk")[:SHOWN])
        late = " · " + _("Late")
        items = [(f"{_person(c.participant.user)} · {c.participant.session.course.title}",
                  reverse("training:effectivenesscheck_detail", args=[c.pk]),
                  _("Due %(date)s") % {"date": _short(c.due_on)} + (late if c.due_on < today else ""))
                 for c in checks]
        sections.append(Section(_("Training effectiveness to check"), items,
                                _("No effectiveness check is due."), reverse("training:effectiveness_list")))
    waiting = list(own_participations(user).filter(attendance=A.PRESENT, has_feedback=False,
                                                   session__ends_at__gte=timezone.now() - timedelta(days=60))
                   [:SHOWN])
    if waiting:
        sections.append(Section(_("Training sessions to give feedback on"),
                                [(p.session.course.title, reverse("training:participant_feedback", args=[p.pk]),
                                  _short(timezone.localdate(p.session.starts_at))) for p in waiting],
                                "", reverse("training:my_records")))
    return sections


def checks_due_count(user):
    return checks_queryset(user, state="due").count()


__all__ = ["attendance_sheet_context", "checks_queryset", "feedback_summary", "own_participations",
           "records_work"]
