"""Distribution and read-and-acknowledge."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from qms_portal.models import RoleAssignment
from qms_portal.notifications import Ref, notify
from qms_portal.permissions import ancestor_paths
from qms_portal.reminders import sweep

from ..cached import coverage, forget_acknowledgements  # noqa: F401 - coverage is a service too
from ..models import Acknowledgement, Distribution, Revision
from .register import _require, _save


def recipients(document):
    """The active people a document is distributed to. Without a list: the members of the owning
    unit and every unit below it."""
    User = get_user_model()
    entries = list(document.distribution.select_related("unit"))
    unit = document.unit
    if not entries:
        return User.objects.filter(is_active=True, primary_unit__path__startswith=unit.path)
    q = Q(pk__in=[e.person_id for e in entries if e.person_id])
    for entry in entries:
        if entry.unit_id:
            q |= Q(primary_unit__path__startswith=entry.unit.path)
    role_ids = [e.role_id for e in entries if e.role_id]
    if role_ids:
        # Holders of the role in the owning unit or below, and above it only where the role covers
        # the sub-units.
        holders = RoleAssignment.objects.current().filter(role_id__in=role_ids, unit__is_active=True).filter(
            Q(unit__path__startswith=unit.path)
            | Q(unit__path__in=ancestor_paths(unit.path)[:-1], include_subunits=True)
        ).values("user_id")
        q |= Q(pk__in=holders)
    return User.objects.filter(is_active=True).filter(q).distinct()


def acknowledgements_assign(*, acting_user, revision):
    """A read-and-acknowledge task for every recipient of a newly effective revision."""
    people = list(recipients(revision.document).exclude(pk__in=revision.acknowledgements.values("user_id"))
                  .only("pk", "primary_unit_id", "is_active", "notification_mode", "email", "language"))
    rows = [Acknowledgement(revision=revision, user=p, unit_id=p.primary_unit_id) for p in people]
    bulk_create_with_history(rows, Acknowledgement, batch_size=500, default_user=acting_user)
    forget_acknowledgements(revision.pk, assigned=True)
    notify(people, "revision_acknowledge", params={"object": revision}, url=revision.document.get_absolute_url(),
           key=f"revision:{revision.pk}:acknowledge")
    return len(rows)


@transaction.atomic
def revision_acknowledge(*, acting_user, revision):
    row = Acknowledgement.objects.select_for_update().filter(revision=revision, user=acting_user).first()
    if row is None:
        raise ValidationError(_("This revision was not distributed to you."))
    # The status as stored now, not as the caller loaded it: a revision superseded meanwhile is
    # no longer the one to acknowledge.
    status_now = Revision.objects.filter(pk=revision.pk).values_list("status", flat=True).first()
    if status_now != Revision.Status.EFFECTIVE:
        raise ValidationError(_("Only the effective revision can be acknowledged."))
    if row.acknowledged_at is None:
        row.acknowledged_at = timezone.now()
        _save(row, acting_user)
        forget_acknowledgements(revision.pk)
    return row


@transaction.atomic
def distribution_add(*, acting_user, document, unit=None, role=None, person=None):
    _require(acting_user, "change", document)
    if sum(x is not None for x in (unit, role, person)) != 1:
        raise ValidationError(_("Choose one unit, one role or one person."))
    return _save(Distribution(document=document, unit=unit, role=role, person=person), acting_user)


@transaction.atomic
def distribution_remove(*, acting_user, entry):
    _require(acting_user, "change", entry.document)
    entry._history_user = acting_user
    entry.delete()


def acknowledgements_remind(*, now=None, days=None, batch_size=1000):
    """``days`` after a revision was distributed to someone who has not acknowledged it yet, ONE
    message to each such person listing every revision they still have to read (the core's
    ``sweep``): once per acknowledgement, nothing twice when the task runs twice. Returns the
    sweep's ``SweepResult`` (``.messages``, ``.claimed``…)."""
    now = now or timezone.now()
    days = settings.QMS_ACK_REMINDER_DAYS if days is None else days
    rows = Acknowledgement.objects.filter(
        acknowledged_at__isnull=True, created_at__lte=now - timedelta(days=days), user__is_active=True,
        revision__status=Revision.Status.EFFECTIVE,
    ).only("pk", "user_id", "revision_id", "created_at")
    return sweep(
        rows, kind="acknowledgement_overdue", stage="overdue", due=TruncDate("created_at"),
        recipients=lambda batch: {row.pk: [row.user_id] for row in batch},
        item=lambda row: Ref(Revision, row.revision_id),
        message="acknowledgements_overdue", params={"days": days}, url=reverse("home"), now=now,
        batch_size=batch_size,
    )
