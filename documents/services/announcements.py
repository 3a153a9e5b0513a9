"""The announcement of conformity (công bố HTQLCL phù hợp): drafting, signing, superseding, and the
reminder when a unit's scope changed since its last announcement. The rules are in
``documents/announcements.py``."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from qms_portal.history import reason as reason_for
from qms_portal.notifications import Item
from qms_portal.permissions import users_who_can_each
from qms_portal.reminders import sweep
from qms_portal.services import require_can, save_tracked
from qms_portal.workflow import Guard, Transition, Workflow, register

from ..announcements import announcement_scope, units_with_changed_scope
from ..models import Announcement, AnnouncementItem

A = Announcement.Status
FIELDS = ("decision_number", "decision_date", "scope")


def _check(fields):
    decision_date = fields.get("decision_date")
    if decision_date is not None and decision_date > timezone.localdate():
        raise ValidationError({"decision_date": _("The decision date cannot be in the future.")})
    if "decision_number" in fields and not (fields["decision_number"] or "").strip():
        raise ValidationError({"decision_number": _("Give the number of the decision.")})


@transaction.atomic
def announcement_create(*, acting_user, unit, decision_number, decision_date, scope):
    """A draft announcement of ``unit`` (at most one draft per unit)."""
    require_can(acting_user, "documents.add_announcement", unit)
    _check({"decision_number": decision_number, "decision_date": decision_date})
    if Announcement.objects.filter(unit=unit, status=A.DRAFT).exists():
        raise ValidationError(_("This unit already has a draft announcement: edit it instead."))
    return save_tracked(Announcement(unit=unit, decision_number=decision_number.strip(), decision_date=decision_date,
                                     scope=scope, prepared_by=acting_user), acting_user)


@transaction.atomic
def announcement_update(*, acting_user, announcement, **fields):
    """Change a draft's decision number, date or scope text (a signed announcement is frozen)."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"announcement_update() cannot change {sorted(unknown)}")
    announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
    require_can(acting_user, "documents.change_announcement", announcement)
    if announcement.status != A.DRAFT:
        raise ValidationError(_("Only a draft announcement can be edited."))
    _check(fields)
    for name, value in fields.items():
        setattr(announcement, name, value.strip() if isinstance(value, str) else value)
    return save_tracked(announcement, acting_user)


# --- The workflow ---------------------------------------------------------------------------------


def _has_scope(announcement, user):
    return announcement_scope(announcement.unit_id).exists()


def _not_before_current(announcement, user):
    current = Announcement.objects.filter(unit_id=announcement.unit_id, status=A.ANNOUNCED).exclude(
        pk=announcement.pk).values_list("decision_date", flat=True).first()
    return current is None or announcement.decision_date >= current


def _not_in_future(announcement, user):
    return announcement.decision_date <= timezone.localdate()


def superseded_reason(successor):
    """The reason recorded on an announcement that ``successor`` superseded (shown in each reader's
    language)."""
    return reason_for(gettext_noop("Superseded by decision %(number)s"), number=successor.decision_number)


def _on_announce(announcement, user, reason, data):
    """Freeze the documents covered (each with its effective revision), date the signature, and
    supersede the unit's earlier announcement."""
    items = [AnnouncementItem(announcement=announcement, document=d, revision_id=d.current_revision_id,
                              code=d.code, title=d.title) for d in announcement_scope(announcement.unit_id)]
    for item in items:  # one by one: history records every row (never bulk_create on a tracked model)
        save_tracked(item, user)
    announcement.announced_at = timezone.now()
    save_tracked(announcement, user)
    earlier = Announcement.objects.filter(unit_id=announcement.unit_id, status=A.ANNOUNCED).exclude(
        pk=announcement.pk)
    for previous in earlier:
        WORKFLOW.perform(previous, "supersede", acting_user=user, system=True,
                         reason=superseded_reason(announcement))


WORKFLOW = register(Workflow(
    model=Announcement,
    transitions=[
        Transition(
            name="announce", label=gettext_lazy("Sign and announce"), sources=(A.DRAFT,), target=A.ANNOUNCED,
            permission="documents.announce_announcement",
            guards=(
                Guard(_has_scope, gettext_lazy("The unit has no effective document to announce.")),
                Guard(_not_in_future, gettext_lazy("The decision date cannot be in the future.")),
                Guard(_not_before_current, gettext_lazy(
                    "The decision date is earlier than the unit's current announcement.")),
            ),
            signature="announced", effect=_on_announce, button="success",
        ),
        Transition(
            name="supersede", label=gettext_lazy("Supersede"), sources=(A.ANNOUNCED,), target=A.SUPERSEDED,
            permission="documents.announce_announcement", system=True,
        ),
    ],
))


def announcement_transition(*, acting_user, announcement, name, reason="", password=None, data=None):
    """Take a transition of an announcement by its name, as a person (``TransitionView`` calls this)."""
    return WORKFLOW.perform(announcement, name, acting_user=acting_user, reason=reason, password=password,
                            data=data)


# --- The reminder ---------------------------------------------------------------------------------


def announcements_remind(*, today=None, batch_size=1000):
    """The units whose scope changed since their current announcement (a document added to or
    withdrawn from the register): ONE message to each person who may sign their announcements (the
    management representatives), listing every unit concerned with the date of its announcement.
    Claimed per unit and announcement date (the core's ``sweep``): a unit is reminded once per
    announcement, and nothing twice when beat fires twice. Returns the ``SweepResult``."""
    today = today or timezone.localdate()
    return sweep(
        units_with_changed_scope(today).only("pk", "code", "name", "path", "key"),
        kind="announcement_scope_changed", stage="changed", due="last_date",
        recipients=lambda batch: users_who_can_each("documents.announce_announcement", batch),
        item=lambda unit: Item(unit, note=unit.last_date), message="announcement_scope_changed",
        url=reverse("documents:announcement_register"), now=timezone.now(),
        batch_size=batch_size,
    )
