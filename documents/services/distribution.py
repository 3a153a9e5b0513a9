"""Distribution and read-and-acknowledge."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from qms_portal.notifications import Ref, notify
from qms_portal.reminders import sweep
from qms_portal.services import require_can, save_tracked

from ..cached import forget_acknowledgements
from ..models import Acknowledgement, Distribution, Revision
from ..selectors import recipients


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
        save_tracked(row, acting_user)
        forget_acknowledgements(revision.pk)
    return row


@transaction.atomic
def distribution_add(*, acting_user, document, unit=None, role=None, person=None):
    require_can(acting_user, "change", document)
    if sum(x is not None for x in (unit, role, person)) != 1:
        raise ValidationError(_("Choose one unit, one role or one person."))
    return save_tracked(Distribution(document=document, unit=unit, role=role, person=person), acting_user)


@transaction.atomic
def distribution_remove(*, acting_user, entry):
    require_can(acting_user, "change", entry.document)
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
