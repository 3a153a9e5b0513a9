"""Inviting people to a session: by unit (with or without its sub-units), by role (held in the
session's unit or below it) or by name, several at once. People already on the list are skipped;
a session that has started (or is in the past) takes no invitations; going over the capacity is
allowed and said as a warning. Once the invitations were sent (the session is "invited"), the
people added are told at once, each in their own language, one message per person."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from qms_portal.models import RoleAssignment, User
from qms_portal.services import require_can

from ..cached import forget_sessions
from ..models import Participant, Session
from .sessions import CHANGE, EDITABLE, S, _tell_invited, lock

V = Participant.Via


@dataclass
class InviteResult:
    added: list = field(default_factory=list)  # the new participants
    skipped: int = 0  # already on the list
    capacity: int | None = None
    total: int = 0  # on the list now

    @property
    def over_capacity(self):
        return self.capacity is not None and self.total > self.capacity


def people_of_units(units, include_subunits=False):
    q = Q(pk__in=[])
    for unit in units:
        q |= Q(primary_unit__path__startswith=unit.path) if include_subunits else Q(primary_unit=unit)
    return User.objects.filter(q, is_active=True).exclude(username="system")


def people_of_roles(roles, unit):
    """The active people holding one of ``roles`` on ``unit`` or a unit below it."""
    held = RoleAssignment.objects.current().filter(role__in=list(roles), unit__is_active=True,
                                                   unit__path__startswith=unit.path).values("user_id")
    return User.objects.filter(is_active=True, pk__in=held).exclude(username="system")


def check_open_for_invitations(session, now=None):
    if session.status not in EDITABLE:
        raise ValidationError(_("Invitations are sent while the session is planned or invited; this one is "
                                "“%(state)s”.") % {"state": session.get_status_display()})
    if session.starts_at <= (now or timezone.now()):
        raise ValidationError(_("This session has already started or is in the past: nobody can be invited to it "
                                "any more. Record walk-ins on its attendance page instead."))


@transaction.atomic
def session_invite(*, acting_user, session, units=(), include_subunits=False, roles=(), people=()):
    """Invite the people of ``units`` (with their sub-units when ``include_subunits``), the holders
    of ``roles`` in the session's unit subtree, and ``people`` by name → ``InviteResult``."""
    session = lock(session)
    require_can(acting_user, CHANGE, session)
    check_open_for_invitations(session)
    if not (units or roles or people):
        raise ValidationError(_("Choose whom to invite: a unit, a role or people by name."))
    wanted = {}  # user id → (user, via): by name first, then role, then unit
    for user in people:
        if user.is_active:
            wanted.setdefault(user.pk, (user, V.PERSON))
    if roles:
        for user in people_of_roles(roles, session.unit).select_related("primary_unit"):
            wanted.setdefault(user.pk, (user, V.ROLE))
    if units:
        for user in people_of_units(units, include_subunits).select_related("primary_unit"):
            wanted.setdefault(user.pk, (user, V.UNIT))
    existing = set(Participant.objects.filter(session=session, user_id__in=list(wanted)).values_list("user_id",
                                                                                                     flat=True))
    new = [Participant(session=session, user=user, unit_id=user.primary_unit_id, via=via)
           for pk, (user, via) in wanted.items() if pk not in existing]
    new.sort(key=lambda p: (p.user.full_name or p.user.username).casefold())
    if new:
        new = bulk_create_with_history(new, Participant, batch_size=500, default_user=acting_user,
                                       default_date=timezone.now())
        forget_sessions()  # written in bulk, without signals: the lists counting participants are stale
    result = InviteResult(added=new, skipped=len(existing), capacity=session.capacity,
                          total=Participant.objects.filter(session=session).count())
    if new and session.status == S.INVITED:
        _tell_invited(session, [p.user for p in new])
    return result


def describe(result):
    """What the page says after inviting: how many were added and skipped, and a warning over the
    capacity (``(message, warning or None)``)."""
    from django.utils.translation import ngettext

    message = ngettext("%(count)s person invited.", "%(count)s people invited.", len(result.added)) % {
        "count": len(result.added)}
    if result.skipped:
        message += " " + ngettext("%(count)s was already on the list.", "%(count)s were already on the list.",
                                  result.skipped) % {"count": result.skipped}
    warning = None
    if result.over_capacity:
        warning = _("%(total)s people are now on the list, more than the capacity of %(capacity)s: a larger room, "
                    "or a second session, may be needed.") % {"total": result.total, "capacity": result.capacity}
    return message, warning


def session_may_invite(session):
    return session.status in (Session.Status.PLANNED, Session.Status.INVITED) and session.starts_at > timezone.now()
