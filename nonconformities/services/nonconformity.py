"""Nonconformities: raising one (the entry point other areas call), its guarded CAPA workflow and
its cause analysis."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qms_portal import permissions
from qms_portal.models import Unit
from qms_portal.notifications import notify
from qms_portal.numbering import next_number
from qms_portal.permissions import can, users_who_can
from qms_portal.services import require_can, save_tracked
from qms_portal.workflow import Guard, Transition, Workflow, register

from ..forms.nonconformity import VerificationForm
from ..models import ACTIVE_ACTION_STATUSES, FISHBONE_CATEGORIES, CorrectiveAction, Nonconformity

S = Nonconformity.Status
A = CorrectiveAction.Status

NUMBER_KIND = "NC"
NUMBER_PATTERN = "{unit}-NC-{year}-{n:03}"
# What the person raising a nonconformity may fill in (the rest is the workflow's).
CREATE_FIELDS = ("title", "description", "detected_on", "grade", "procedure", "clause", "containment")
MAX_WHYS = 5
MAX_CAUSES = 20


# --- Raising ----------------------------------------------------------------------------------


@transaction.atomic
def nonconformity_create(*, acting_user, unit, source, source_object=None, evidence=(), **fields):
    """Raise a nonconformity in ``unit``, numbered ``{unit}-NC-{year}-{n:03}``; the unit's ISO officer
    and department head are told. ``source`` is a ``Nonconformity.Source``; ``source_object`` the
    record it came from (an audit finding, a feedback…), linked both ways (``nonconformities_of``).
    ``fields``: title, description (required), detected_on, grade, procedure, clause, containment.
    ``evidence``: uploaded files (phone photos…), checked by the core's attachments: a refused file
    leaves nothing saved, and its number is not consumed."""
    if not isinstance(unit, Unit) or not unit.is_active:
        raise ValidationError({"unit": _("Choose an active unit.")})
    # Who may raise one: a role that gives it on the unit — or the source record's own say: an
    # auditor raises the nonconformity their audit found in a unit where they hold no role
    # (``source_object.may_raise_nonconformity(user)``), and is its reporter.
    vouched = source_object is not None and getattr(source_object, "may_raise_nonconformity", None) is not None \
        and source_object.may_raise_nonconformity(acting_user)
    if not vouched:
        require_can(acting_user, "nonconformities.add_nonconformity", unit)
    unknown = sorted(set(fields) - set(CREATE_FIELDS))
    if unknown:
        raise TypeError(f"nonconformity_create() got unexpected fields: {', '.join(unknown)}")
    if source not in Nonconformity.Source.values:
        raise ValidationError({"source": _("Choose where the nonconformity comes from.")})
    today = timezone.localdate()
    detected_on = fields.get("detected_on") or today
    if detected_on > today:
        raise ValidationError({"detected_on": _("The date it was detected cannot be in the future.")})
    procedure = fields.get("procedure")
    if procedure is not None and not can(acting_user, "view", procedure):
        raise ValidationError({"procedure": _("Choose a procedure you can see.")})
    nc = Nonconformity(unit=unit, source=source, reported_by=acting_user, **{**fields, "detected_on": detected_on})
    if source_object is not None:
        if source_object.pk is None:
            raise ValueError("the source record must be saved first")
        nc.source_type = ContentType.objects.get_for_model(type(source_object))
        nc.source_id = source_object.pk
    nc.number = "-"  # validated with the rest, then numbered: a refused form consumes no number
    nc.full_clean(exclude=["number"])
    nc.number = next_number(unit=unit, kind=NUMBER_KIND, pattern=NUMBER_PATTERN, year=today.year,
                            taken=lambda text: Nonconformity.objects.filter(number=text).exists())
    save_tracked(nc, acting_user)
    permissions.grant(acting_user, "view", nc)  # the reporter follows it, wherever they work
    if evidence:
        from qms_portal.attachments import attachment_add

        for upload in evidence:
            attachment_add(acting_user=acting_user, target=nc, upload=upload)
    people = {u.pk: u for u in users_who_can("nonconformities.accept_nonconformity", nc)}
    people.update({u.pk: u for u in users_who_can("change", nc)})
    people.pop(acting_user.pk, None)
    notify(people.values(), "nonconformity_reported", params={"object": nc}, url=nc.get_absolute_url(),
           key=f"nonconformity:{nc.pk}:reported")
    return nc


@transaction.atomic
def nonconformity_update(*, acting_user, nonconformity, **fields):
    """Correct what was recorded when it was raised (title, description, grade, clause…), while it
    is not yet closed or rejected."""
    nc = Nonconformity.objects.select_for_update().get(pk=nonconformity.pk)
    if not (can(acting_user, "change", nc) or can(acting_user, "nonconformities.accept_nonconformity", nc)):
        raise PermissionDenied
    if not nc.is_open:
        raise ValidationError(_("A closed or rejected nonconformity cannot be changed."))
    unknown = sorted(set(fields) - set(CREATE_FIELDS))
    if unknown:
        raise TypeError(f"nonconformity_update() got unexpected fields: {', '.join(unknown)}")
    if fields.get("detected_on") and fields["detected_on"] > timezone.localdate():
        raise ValidationError({"detected_on": _("The date it was detected cannot be in the future.")})
    procedure = fields.get("procedure")
    if procedure is not None and procedure.pk != nc.procedure_id and not can(acting_user, "view", procedure):
        raise ValidationError({"procedure": _("Choose a procedure you can see.")})
    for name, value in fields.items():
        setattr(nc, name, value)
    return save_tracked(nc, acting_user)


# --- Cause analysis ---------------------------------------------------------------------------


def _clean_whys(whys):
    whys = [" ".join(str(w).split()) for w in (whys or [])]
    whys = [w for w in whys if w]
    if len(whys) > MAX_WHYS:
        raise ValidationError({"five_whys": _("Give at most five answers to “why?”.")})
    return whys


def _clean_fishbone(fishbone):
    cleaned = {}
    for key, causes in (fishbone or {}).items():
        if key not in FISHBONE_CATEGORIES:
            raise ValidationError({"fishbone": _("Unknown fishbone category: %(key)s.") % {"key": key}})
        if isinstance(causes, str):
            causes = causes.splitlines()
        causes = [" ".join(str(c).split()) for c in causes]
        causes = [c for c in causes if c]
        if len(causes) > MAX_CAUSES:
            raise ValidationError({"fishbone": _("Give at most %(n)s causes per category.") % {"n": MAX_CAUSES}})
        if causes:
            cleaned[key] = causes
    return {key: cleaned[key] for key in FISHBONE_CATEGORIES if key in cleaned}


@transaction.atomic
def nonconformity_update_analysis(*, acting_user, nonconformity, five_whys=None, fishbone=None, root_cause=""):
    """Record the cause analysis: the answers to "why?" in order (at most five), the fishbone's
    causes by category (people, method, equipment, materials, environment, measurement) and the
    root-cause statement. Only during the cause analysis (and while the plan is made)."""
    nc = Nonconformity.objects.select_for_update().get(pk=nonconformity.pk)
    require_can(acting_user, "change", nc)
    if nc.status not in (S.CAUSE_ANALYSIS, S.ACTION_PLAN):
        raise ValidationError(_("The cause can be analysed only during the cause analysis or the action plan."))
    nc.five_whys = _clean_whys(five_whys)
    nc.fishbone = _clean_fishbone(fishbone)
    nc.root_cause = (root_cause or "").strip()
    return save_tracked(nc, acting_user)


# --- Workflow ---------------------------------------------------------------------------------


def _root_cause_given(nc, user):
    return bool(nc.root_cause.strip())


def _plan_has_actions(nc, user):
    """At least one action that is not cancelled; after "not effective", at least one still to do
    (a new plan, not only the actions that did not work)."""
    actions = nc.actions.exclude(status=A.CANCELLED)
    if nc.round > 1:
        actions = actions.filter(status__in=ACTIVE_ACTION_STATUSES)
    return actions.exists()


def _actions_finished(nc, user):
    """Every action done, or cancelled with a reason; and at least one done."""
    statuses = list(nc.actions.values_list("status", "cancel_reason"))
    if not any(status == A.DONE for status, _reason in statuses):
        return False
    return all(status == A.DONE or (status == A.CANCELLED and reason.strip()) for status, reason in statuses)


def _not_an_implementer(nc, user):
    return not nc.actions.filter(owner=user).exists()


ROOT_CAUSE_FIRST = Guard(_root_cause_given, gettext_lazy(
    "Record the root cause before planning the actions."))
PLAN_NOT_EMPTY = Guard(_plan_has_actions, gettext_lazy(
    "Plan at least one action before starting (after “not effective”, at least one new action)."))
ACTIONS_FINISHED = Guard(_actions_finished, gettext_lazy(
    "Every action must be done, or cancelled with a reason, before verification."))
INDEPENDENT_VERIFIER = Guard(_not_an_implementer, gettext_lazy(
    "You own one of its actions: another person must verify that they were effective."))


def _on_reject(nc, user, reason, data):
    nc.rejection_reason = reason
    save_tracked(nc, user)
    notify([nc.reported_by], "nonconformity_rejected", params={"object": nc, "reason": reason},
           url=nc.get_absolute_url())


def _on_submit_for_verification(nc, user, reason, data):
    verifiers = users_who_can("nonconformities.verify_nonconformity", nc).exclude(
        pk__in=nc.actions.values("owner_id")).exclude(pk=user.pk)
    notify(verifiers, "nonconformity_to_verify", params={"object": nc}, url=nc.get_absolute_url(),
           key=f"nonconformity:{nc.pk}:verify:{nc.round}")


def _verified(nc, user, note, effective):
    nc.verification_note = note
    nc.effective = effective
    nc.verified_by = user
    nc.verified_at = timezone.now()


def _on_not_effective(nc, user, reason, data):
    """Back to the cause analysis for a new round; the first round's analysis, actions and
    verification stay in the history (and the done actions stay listed)."""
    _verified(nc, user, reason, False)
    nc.round += 1
    save_tracked(nc, user)
    owners = {a.owner_id: a.owner for a in nc.actions.select_related("owner")}
    people = {u.pk: u for u in users_who_can("change", nc)}
    people.update(owners)
    people.pop(user.pk, None)
    notify(people.values(), "nonconformity_not_effective", params={"object": nc, "reason": reason},
           url=nc.get_absolute_url(), key=f"nonconformity:{nc.pk}:not-effective:{nc.round}")


def _on_close(nc, user, reason, data):
    _verified(nc, user, data.get("verification_note", "").strip() or reason, True)
    nc.closed_at = timezone.now()
    save_tracked(nc, user)
    people = {u.pk: u for u in users_who_can("change", nc)}
    people[nc.reported_by_id] = nc.reported_by
    people.pop(user.pk, None)
    notify(people.values(), "nonconformity_closed", params={"object": nc}, url=nc.get_absolute_url())


WORKFLOW = register(Workflow(
    model=Nonconformity,
    waiting={
        S.REPORTED: "nonconformities.accept_nonconformity",
        S.ACCEPTED: "nonconformities.change_nonconformity",
        S.CAUSE_ANALYSIS: "nonconformities.change_nonconformity",
        S.ACTION_PLAN: "nonconformities.change_nonconformity",
        S.VERIFICATION: "nonconformities.verify_nonconformity",
    },
    transitions=[
        Transition(name="accept", label=gettext_lazy("Accept as a nonconformity"), sources=(S.REPORTED,),
                   target=S.ACCEPTED, permission="nonconformities.accept_nonconformity", button="success"),
        Transition(name="reject", label=gettext_lazy("Reject: not a nonconformity"), sources=(S.REPORTED,),
                   target=S.REJECTED, permission="nonconformities.accept_nonconformity", reason_required=True,
                   effect=_on_reject, button="danger"),
        Transition(name="start_analysis", label=gettext_lazy("Start the cause analysis"), sources=(S.ACCEPTED,),
                   target=S.CAUSE_ANALYSIS, permission="nonconformities.change_nonconformity"),
        Transition(name="plan", label=gettext_lazy("Go on to the action plan"), sources=(S.CAUSE_ANALYSIS,),
                   target=S.ACTION_PLAN, permission="nonconformities.change_nonconformity",
                   guards=(ROOT_CAUSE_FIRST,)),
        Transition(name="start", label=gettext_lazy("Start the actions"), sources=(S.ACTION_PLAN,),
                   target=S.IN_PROGRESS, permission="nonconformities.change_nonconformity",
                   guards=(ROOT_CAUSE_FIRST, PLAN_NOT_EMPTY), button="success"),
        Transition(name="submit_for_verification", label=gettext_lazy("Submit for verification"),
                   sources=(S.IN_PROGRESS,), target=S.VERIFICATION,
                   permission="nonconformities.change_nonconformity", guards=(ACTIONS_FINISHED,),
                   effect=_on_submit_for_verification),
        Transition(name="not_effective", label=gettext_lazy("Not effective: analyse again"),
                   sources=(S.VERIFICATION,), target=S.CAUSE_ANALYSIS,
                   permission="nonconformities.verify_nonconformity", guards=(INDEPENDENT_VERIFIER,),
                   reason_required=True, signature="verified", effect=_on_not_effective, button="danger"),
        Transition(name="close", label=gettext_lazy("Effective: close"), sources=(S.VERIFICATION,),
                   target=S.CLOSED, permission="nonconformities.close_nonconformity",
                   guards=(ACTIONS_FINISHED, INDEPENDENT_VERIFIER), signature="closed", effect=_on_close,
                   form_class=VerificationForm, button="success"),
    ],
))


def nonconformity_transition(*, acting_user, nonconformity, name, reason="", password="", data=None):
    """Take transition ``name`` (accept, reject, start_analysis, plan, start, submit_for_verification,
    not_effective, close) through the workflow engine: state, permission, guards, reason and
    signature are checked there."""
    t = WORKFLOW.get_manual(name)
    if t.form_class is VerificationForm and not (data or {}).get("verification_note", "").strip():
        raise ValidationError({"verification_note": _("Describe how the effectiveness was verified.")})
    return WORKFLOW.perform(nonconformity, name, acting_user=acting_user, reason=reason, password=password,
                            data=data)
