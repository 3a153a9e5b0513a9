"""The reminder before a session, through the core's ONE sweep (``qms_portal.reminders``).

Every morning (beat, ``training.tasks_sessions.send_reminders``) the sessions whose invitations were
sent and that start by the end of tomorrow (and have not started yet) are reminded to their
invitees and trainer: ONE message per person listing their sessions with the time each starts.
Each session is reminded once per start date: a second run, beat firing twice or a worker that died
after claiming sends nothing twice; a session moved to another day is reminded again. The time it
was reminded is shown on the session's page (``Session.reminded_at``)."""

from datetime import timedelta

from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from qms_portal.notifications import Item, Kind
from qms_portal.reminders import Sweep
from qms_portal.services import save_tracked, system_user

from ..models import Participant, Session

MESSAGE = "training_sessions_soon"
KIND = "training_session_soon"  # the claims' name (stable)

KINDS = {
    MESSAGE: Kind(
        title=ngettext_lazy("Reminder: %(count)s training session soon", "Reminder: %(count)s training sessions soon",
                            "count"),
        text=_("Each line says when the session starts. Open it for the place or the link."),
    ),
}


def due_sessions(now):
    today = timezone.localdate(now)
    return (Session.objects.filter(status=Session.Status.INVITED, starts_at__gt=now,
                                   starts_at__date__lte=today + timedelta(days=1))
            .only("pk", "starts_at", "trainer_id", "number", "course_id"))


def _people(batch):
    told = {s.pk: [s.trainer_id] if s.trainer_id else [] for s in batch}
    rows = (Participant.objects.filter(session_id__in=[s.pk for s in batch])
            .exclude(attendance__in=[Participant.Attendance.ABSENT, Participant.Attendance.EXCUSED])
            .values_list("session_id", "user_id"))
    for session_id, user_id in rows:
        if user_id not in told[session_id]:
            told[session_id].append(user_id)
    return told


def session_reminders_send(*, now=None, batch_size=500):
    """Send the reminders (see the module's text); returns the sweep's ``SweepResult``."""
    now = now or timezone.now()
    reminded = []

    def recipients(batch):
        reminded.extend(s.pk for s in batch)
        return _people(batch)

    run = Sweep(message=MESSAGE, url=reverse("training:session_list") + "?mine=1", now=now, batch_size=batch_size)
    run.collect(due_sessions(now), kind=KIND, stage="soon", due=TruncDate("starts_at"), recipients=recipients,
                item=lambda s: Item(s, note=timezone.localtime(s.starts_at)), related=("course",))
    result = run.send()
    actor = system_user()
    for session in Session.objects.filter(pk__in=reminded):
        session.reminded_at = now
        save_tracked(session, actor)
    return result
