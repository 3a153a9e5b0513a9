"""Reminders before a qualification expires, through the core's ONE sweep (``qms_portal.reminders``).

A qualification (not withdrawn, not replaced by a later one of the same person and competence, of
an active person) whose "valid until" is within 90 days is reminded at the stage "90", and again
within 30 days at the stage "30" — to its holder and to their head (the nearest department head
above the holder's unit, ``nonconformities.services.escalation.nearest_holders``). One run
(``qualification_reminders_send``, every morning from beat) sends each person ONE message listing
everything due for them: their own qualifications and those of their people, each line with its
stage and date. Claimed per qualification, stage and date: a second run, beat firing twice or a
worker that died after claiming sends nothing twice; a qualification whose date is changed is
reminded afresh. A qualification already expired when first seen is not reminded (the lists and
"My training" show it)."""

from datetime import timedelta

from django.db.models import Case, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from qms_portal.notifications import Item, Kind, Ref
from qms_portal.reminders import Sweep

from ..models import Qualification
from ..selectors.competence import renewed_q

MESSAGE = "qualifications_expiring"
CLAIM = "qualification_expiry"  # the claims' name (stable)
HEAD_ROLE = "department_head"
STAGES = (90, 30)

NOTES = {"90": _("expires within 90 days"), "30": _("expires within 30 days")}

KINDS = {
    MESSAGE: Kind(
        title=ngettext_lazy("%(count)s qualification expires soon", "%(count)s qualifications expire soon", "count"),
        text=_("Each line names the qualification, its holder and the day it expires. Plan the training or the "
               "renewal before then: an expired qualification no longer counts, for internal auditors too."),
    ),
}


def due_qualifications(today):
    """The qualifications the sweep looks at today (a stage is given to each)."""
    return (Qualification.objects.filter(is_withdrawn=False, user__is_active=True, valid_until__gte=today,
                                         valid_until__lte=today + timedelta(days=max(STAGES)))
            .exclude(renewed_q()).only("pk", "valid_until", "user_id", "competence_id", "user__primary_unit__path"))


def _recipients(batch):
    from nonconformities.services.escalation import nearest_holders

    units = {q.user.primary_unit_id: q.user.primary_unit for q in batch if q.user.primary_unit_id}
    heads = nearest_holders(HEAD_ROLE, list(units.values())) if units else {}
    return {q.pk: list(dict.fromkeys([q.user_id, *heads.get(q.user.primary_unit_id, ())])) for q in batch}


def _item(row):
    return Item(Ref(Qualification, row.pk), note=[NOTES[row._sweep_stage], row._sweep_due])


def _url(user, refs):
    return reverse("training:qualification_list") + "?state=expiring"


def qualification_reminders_send(*, today=None, now=None, batch_size=1000):
    """Send the expiry reminders (see the module's text). Returns the sweep's ``SweepResult``."""
    today = today or timezone.localdate()
    stage = Case(When(valid_until__lte=today + timedelta(days=STAGES[1]), then=Value(str(STAGES[1]))),
                 default=Value(str(STAGES[0])))
    run = Sweep(message=MESSAGE, url=_url, now=now or timezone.now(), batch_size=batch_size)
    run.collect(due_qualifications(today), kind=CLAIM, stage=stage, due="valid_until", recipients=_recipients,
                item=_item, related=("user", "user__primary_unit"))
    return run.send()
