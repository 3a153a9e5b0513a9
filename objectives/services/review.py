"""Management review (ISO 9001 9.3): planning the meeting, holding it (its inputs frozen), the
chair signing the minutes, and the decisions it takes, tracked until done.

The review's workflow: planned → held (``hold``: the inputs are compiled one last time and frozen in
``snapshot``) → minutes signed (``sign``: the chair types their password again). Decisions
(improvements, changes to the QMS, resource needs) are recorded once the meeting is held and until the
minutes are signed; each has an owner and a due date, and is done (with what was done) or cancelled
(with the reason) later. Reminders: ``review_decision_reminders_send``."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, DateField, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from qms_portal import permissions
from qms_portal.models import Unit, User
from qms_portal.notifications import Item, Kind, Ref, notify
from qms_portal.numbering import next_number
from qms_portal.people_picker import people_source
from qms_portal.permissions import can
from qms_portal.reminders import Sweep
from qms_portal.services import require_can, save_tracked
from qms_portal.workflow import Guard, Transition, Workflow, register, register_meaning

from ..models import ManagementReview, ReviewDecision
from ..selectors.review_inputs import make_snapshot

S = ManagementReview.Status
D = ReviewDecision.Status

NUMBER_KIND = "objectives:MR"
NUMBER_PATTERN = "{unit}-MR-{year}-{n:02}"
SIGN = "objectives.sign_review_minutes"
MINUTES_SIGNED = "minutes_signed"
MINUTES_SIGNED_LABEL = gettext_lazy("Minutes signed (chair)")
REVIEW_FIELDS = ("title", "meeting_on", "place", "chair", "other_participants", "period_start", "period_end",
                 "external_providers", "resources", "issues_changes", "other_inputs", "conclusions")
# Once the meeting is held its inputs are frozen: only the conclusions may still be written.
HELD_FIELDS = ("conclusions",)
OWNER_PERMS = ("view", "change")  # single-object grants of a decision's owner
SOON_DAYS = 7  # a decision's owner is reminded this many days before it is due, then weekly once overdue

KINDS = {
    "review_planned": Kind(
        title=gettext_lazy("Management review: %(object)s on %(date)s"),
        text=gettext_lazy("Place: %(place)s. Chair: %(chair)s. Period reviewed: %(start)s – %(end)s."),
    ),
    "review_decision_assigned": Kind(
        title=gettext_lazy("A management review decision is yours: %(object)s"),
        text=gettext_lazy("Due %(due)s. Review: %(review)s."),
    ),
    "review_minutes_signed": gettext_lazy("Management review minutes signed: %(object)s"),
    "review_decisions_due": Kind(
        title=ngettext_lazy("%(count)s management review decision due or overdue",
                            "%(count)s management review decisions due or overdue", "count"),
        text=gettext_lazy("Each line says when it is due. Record each one as done on its page when it is."),
    ),
}


def _name(user):
    return user.full_name or user.username


# --- Planning the meeting ---------------------------------------------------------------------------


def may_chair(user, unit):
    """The chair signs the minutes: the unit's management representative (or its head, given the
    same right), someone who may sign review minutes on the unit."""
    return user.is_active and (user.is_superuser or permissions.can(user, SIGN, unit))


def _check(review, participants):
    errors = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if review.period_start and review.period_end and review.period_end < review.period_start:
        add("period_end", _("The period cannot end before it starts."))
    if review.period_start and review.meeting_on and review.period_start > review.meeting_on:
        add("period_start", _("The period reviewed cannot start after the meeting."))
    if review.chair_id and not may_chair(review.chair, review.unit):
        add("chair", _("%(name)s may not chair this review: the chair signs the minutes (the management "
                       "representative of the unit, or its head).") % {"name": _name(review.chair)})
    for person in participants:
        if not person.is_active:
            add("participants", _("%(name)s cannot sign in any more.") % {"name": _name(person)})
    if errors:
        raise ValidationError(errors)


def sync_grants(review):
    """The participants (and the chair) read the review they sit in: single-object ``view`` grants,
    those no longer deserved removed."""
    from ..models import ManagementReviewUserObjectPermission

    wanted = {u.pk: u for u in review.participants.all()}
    wanted[review.chair_id] = review.chair
    perm = permissions.perm_name(ManagementReview, "view")
    held = {row.user_id: row.user for row in ManagementReviewUserObjectPermission.objects.filter(
        content_object=review).select_related("user")}
    for pk, user in held.items():
        if pk not in wanted:
            permissions.revoke(user, perm, review)
    for pk, user in wanted.items():
        if pk not in held:
            permissions.grant(user, perm, review)


def _invite(review, acting_user):
    people = {u.pk: u for u in review.participants.filter(is_active=True)}
    people[review.chair_id] = review.chair
    people.pop(acting_user.pk, None)
    notify(people.values(), "review_planned",
           params={"object": review, "date": review.meeting_on, "place": review.place or "—",
                   "chair": _name(review.chair), "start": review.period_start, "end": review.period_end},
           url=review.get_absolute_url(), key=f"review:{review.pk}:planned:{review.meeting_on}")


@transaction.atomic
def review_create(*, acting_user, unit, title, meeting_on, period_start, period_end, chair, participants=(),
                  **fields):
    """Plan a management review of ``unit`` (with its sub-units), numbered ``{unit}-MR-{year}-{n:02}``;
    the chair and the participants are told and may read it."""
    if not isinstance(unit, Unit) or not unit.is_active:
        raise ValidationError({"unit": _("Choose an active unit.")})
    require_can(acting_user, "objectives.add_managementreview", unit)
    unknown = sorted(set(fields) - set(REVIEW_FIELDS))
    if unknown:
        raise TypeError(f"review_create() got unexpected fields: {', '.join(unknown)}")
    review = ManagementReview(unit=unit, title=title, meeting_on=meeting_on, period_start=period_start,
                              period_end=period_end, chair=chair, **fields)
    participants = list(participants)
    _check(review, participants)
    review.number = "-"
    review.full_clean(exclude=["number"])
    review.number = next_number(unit=unit, kind=NUMBER_KIND, pattern=NUMBER_PATTERN, year=meeting_on.year,
                                taken=lambda text: ManagementReview.objects.filter(number=text).exists())
    save_tracked(review, acting_user, m2m={"participants": participants})
    sync_grants(review)
    _invite(review, acting_user)
    return review


@transaction.atomic
def review_update(*, acting_user, review, **fields):
    """Change the review while it is planned; once held, only its conclusions (until signed)."""
    review = ManagementReview.objects.select_for_update().select_related("unit", "chair").get(pk=review.pk)
    require_can(acting_user, "change", review)
    participants = fields.pop("participants", None)
    unknown = sorted(set(fields) - set(REVIEW_FIELDS))
    if unknown:
        raise TypeError(f"review_update() got unexpected fields: {', '.join(unknown)}")
    if review.status == S.SIGNED:
        raise ValidationError(_("The minutes are signed: the review cannot be changed any more."))
    if review.status == S.HELD:
        frozen = sorted(name for name, value in fields.items()
                        if name not in HELD_FIELDS and getattr(review, name) != value)
        if frozen or (participants is not None and {u.pk for u in participants} != set(
                review.participants.values_list("pk", flat=True))):
            raise ValidationError(_("The meeting was held: its inputs are frozen, only the conclusions may "
                                    "still be written."))
    old_date = review.meeting_on
    for name, value in fields.items():
        setattr(review, name, value)
    participants = list(participants) if participants is not None else list(review.participants.all())
    _check(review, participants)
    save_tracked(review, acting_user, m2m={"participants": participants} if review.status == S.PLANNED else None)
    sync_grants(review)
    if review.status == S.PLANNED and review.meeting_on != old_date:
        _invite(review, acting_user)
    return review


# --- Workflow ---------------------------------------------------------------------------------------


def _meeting_day_reached(review, user):
    return review.meeting_on <= timezone.localdate()


def _signer_is_chair(review, user):
    return review.chair_id == user.pk


def _conclusions_written(review, user):
    return bool(review.conclusions.strip())


MEETING_DAY_REACHED = Guard(_meeting_day_reached, gettext_lazy("The meeting cannot be held before its date."))
SIGNER_IS_CHAIR = Guard(_signer_is_chair, gettext_lazy("Only the chair of the review signs its minutes."))
CONCLUSIONS_WRITTEN = Guard(_conclusions_written, gettext_lazy("Write the review's conclusions before signing."))


def _on_hold(review, user, reason, data):
    """Freeze the inputs as they stand now: the minutes show these, whatever changes later."""
    review = ManagementReview.objects.select_related("unit").get(pk=review.pk)
    now = timezone.now()
    review.snapshot = make_snapshot(review, now)
    review.held_at = now
    save_tracked(review, user)


def _on_sign(review, user, reason, data):
    review.signed_at = timezone.now()
    save_tracked(review, user)
    people = {u.pk: u for u in review.participants.filter(is_active=True)}
    people.update({d.owner_id: d.owner for d in review.decisions.select_related("owner") if d.owner.is_active})
    people.pop(user.pk, None)
    notify(people.values(), "review_minutes_signed", params={"object": review}, url=review.get_absolute_url(),
           key=f"review:{review.pk}:signed")


WORKFLOW = Workflow(
    model=ManagementReview,
    waiting={S.PLANNED: "objectives.change_managementreview", S.HELD: SIGN},
    transitions=[
        Transition(name="hold", label=gettext_lazy("Hold the meeting: freeze the inputs"), sources=(S.PLANNED,),
                   target=S.HELD, permission="objectives.change_managementreview", guards=(MEETING_DAY_REACHED,),
                   effect=_on_hold),
        Transition(name="sign", label=gettext_lazy("Sign the minutes"), sources=(S.HELD,), target=S.SIGNED,
                   permission=SIGN, guards=(SIGNER_IS_CHAIR, CONCLUSIONS_WRITTEN), signature=MINUTES_SIGNED,
                   effect=_on_sign, button="success"),
    ],
)


def register_workflow():
    register_meaning(MINUTES_SIGNED, MINUTES_SIGNED_LABEL)
    return register(WORKFLOW)


def review_transition(*, acting_user, review, name, reason="", password="", data=None):
    """Take transition ``name`` (hold, sign) through the workflow engine."""
    if not can(acting_user, "view", review):
        raise PermissionDenied
    return WORKFLOW.perform(review, name, acting_user=acting_user, reason=reason, password=password, data=data)


# --- Decisions ----------------------------------------------------------------------------------------


@transaction.atomic
def decision_add(*, acting_user, review, kind, description, owner, due_on):
    """Record a decision of the meeting (once held, until the minutes are signed); its owner is told."""
    review = ManagementReview.objects.select_for_update().select_related("unit").get(pk=review.pk)
    require_can(acting_user, "change", review)
    if review.status != S.HELD:
        raise ValidationError(_("Decisions are recorded once the meeting is held and until its minutes are "
                                "signed."))
    errors = {}
    if not description.strip():
        errors["description"] = [_("Say what was decided.")]
    if owner is None or not owner.is_active:
        errors["owner"] = [_("Choose an owner who can sign in.")]
    if due_on is None or due_on < review.meeting_on:
        errors["due_on"] = [_("The due date cannot be before the meeting.")]
    if errors:
        raise ValidationError(errors)
    decision = save_tracked(ReviewDecision(review=review, kind=kind, description=description, owner=owner,
                                           due_on=due_on), acting_user)
    for action in OWNER_PERMS:  # the owner follows it and records it done, wherever they work
        permissions.grant(owner, action, decision)
    if owner.pk != acting_user.pk:
        notify([owner], "review_decision_assigned", params={"object": decision, "due": due_on, "review": review},
               url=decision.get_absolute_url(), key=f"review-decision:{decision.pk}:assigned")
    return decision


def _open_decision(decision):
    decision = ReviewDecision.objects.select_for_update().select_related("review__unit", "owner").get(pk=decision.pk)
    if decision.status != D.OPEN:
        raise ValidationError(_("This decision is already “%(status)s”.") % {"status": decision.get_status_display()})
    return decision


@transaction.atomic
def decision_complete(*, acting_user, decision, note, done_on=None):
    """The owner (or whoever keeps the review) records the decision as done, saying what was done."""
    decision = _open_decision(decision)
    require_can(acting_user, "change", decision)
    today = timezone.localdate()
    done_on = done_on or today
    errors = {}
    if not (note or "").strip():
        errors["note"] = [_("Say what was done.")]
    if done_on > today:
        errors["done_on"] = [_("The date it was done cannot be in the future.")]
    elif done_on < decision.review.meeting_on:
        errors["done_on"] = [_("The date it was done cannot be before the meeting that decided it.")]
    if errors:
        raise ValidationError(errors)
    decision.status, decision.done_on, decision.note = D.DONE, done_on, note
    return save_tracked(decision, acting_user)


@transaction.atomic
def decision_cancel(*, acting_user, decision, reason):
    """Whoever keeps the review cancels a decision no longer wanted, with the reason (not its owner)."""
    decision = _open_decision(decision)
    if not can(acting_user, "change", decision.review):
        raise PermissionDenied
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason for cancelling.")]})
    decision.status, decision.done_on, decision.note = D.CANCELLED, timezone.localdate(), reason
    return save_tracked(decision, acting_user, reason=reason)


# --- Reminders ----------------------------------------------------------------------------------------

KIND_SOON, KIND_OVERDUE = "review_decision_soon", "review_decision_overdue"


def due_decisions(today):
    """Open decisions due within ``SOON_DAYS`` or overdue."""
    return (ReviewDecision.objects.filter(status=D.OPEN, due_on__lte=today + timedelta(days=SOON_DAYS))
            .only("pk", "due_on", "owner_id"))


def review_decision_reminders_send(*, today=None, now=None, batch_size=1000):
    """Each owner of an open decision hears of it ``SOON_DAYS`` before it is due, then once a week
    while it is overdue (each week's claim is its own), ONE message per person per run listing
    everything. A second run the same day sends nothing again (the sweep's claims)."""
    today = today or timezone.localdate()
    week = today - timedelta(days=today.weekday())
    run = Sweep(message="review_decisions_due", url=reverse("objectives:decision_list") + "?mine=true",
                now=now or timezone.now(), batch_size=batch_size)
    owners = lambda rows: {row.pk: [row.owner_id] for row in rows}  # noqa: E731
    run.collect(due_decisions(today).filter(due_on__gte=today), kind=KIND_SOON, stage=Value("soon"), due="due_on",
                recipients=owners,
                item=lambda row: Item(Ref(ReviewDecision, row.pk), note=[gettext_lazy("due"), row.due_on]))
    run.collect(due_decisions(today).filter(due_on__lt=today), kind=KIND_OVERDUE,
                stage=Case(When(due_on__lt=today, then=Value("overdue"))),
                due=Value(week, output_field=DateField()), recipients=owners,
                item=lambda row: Item(Ref(ReviewDecision, row.pk), note=[gettext_lazy("overdue since"), row.due_on]))
    return run.send()


@people_source
def people_to_choose(user):
    """Who may be named chair, participant or owner: the active people the planner may see."""
    return User.objects.restrict(user, "view").filter(is_active=True).order_by("full_name", "username")
