"""Revisions: drafting (with optimistic locking), review by named reviewers, approval with a
signature, publication on the effective date, supersession and withdrawal."""

from contextvars import ContextVar
from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from qms_portal import permissions
from qms_portal.history import reason as reason_for
from qms_portal.notifications import notify
from qms_portal.outbox import enqueue
from qms_portal.permissions import users_who_can
from qms_portal.sanitize import clean_html
from qms_portal.services import EditConflict, require_can, save_tracked, system_user
from qms_portal.workflow import Guard, Transition, Workflow, not_the_author, register

from ..models import OPEN_REVISION_STATUSES, Document, ProcedureStep, ReviewerAssignment, Revision
from ..selectors import SYSTEM_USERNAME, reviewer_candidates
from ..transition_forms import ApproveForm
from .content import accept_source_file, refresh_search_text

S = Revision.Status

# The day a publication sweep acts for (``revision_publish_due(today=…)``); None means the real date. The
# guard reads it, so a sweep and its guard agree on what "the effective date has come" means.
_sweep_day = ContextVar("documents_sweep_day", default=None)


def _lock(revision):
    return Revision.objects.select_for_update().select_related("document").get(pk=revision.pk)


# --- Drafting ---------------------------------------------------------------------------------


@transaction.atomic
def revision_create_draft(*, acting_user, document, reason=""):
    """A new draft from the current effective revision (content, steps and legal basis copied)."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    require_can(acting_user, "documents.add_revision", document.unit)
    if document.is_withdrawn:
        raise ValidationError(_("This document is withdrawn; it cannot be revised."))
    if document.revisions.filter(status__in=OPEN_REVISION_STATUSES).exists():
        raise ValidationError(_("This document already has a revision in progress."))
    base = document.current_revision
    number = (document.revisions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    draft = Revision(document=document, number=number, author=acting_user, reason=reason)
    if base is not None:
        draft.content, draft.source_file, draft.source_name = base.content, base.source_file, base.source_name
        draft.source_html, draft.search_text = base.source_html, base.search_text
    save_tracked(draft, acting_user, m2m={"legal_refs": list(base.legal_refs.all())} if base is not None else None)
    if base is not None:
        for step in base.steps.all():
            step.pk, step.id, step.revision = None, None, draft
            save_tracked(step, acting_user)
    return draft


@transaction.atomic
def revision_save_draft(*, acting_user, revision, lock_version, content="", reason="", effective_date=None,
                        legal_refs=None, upload=None, steps=None):
    """Save a draft. ``lock_version`` is the version the form was opened on: if someone saved since,
    ``EditConflict`` is raised and nothing is written (the view keeps what the user typed)."""
    revision = _lock(revision)
    require_can(acting_user, "change", revision)
    if revision.status != S.DRAFT:
        raise ValidationError(_("Only a draft can be edited."))
    if int(lock_version) != revision.lock_version:
        raise EditConflict(_("Someone else saved this draft while you were editing. Your text is kept below; "
                             "compare it with the saved version and save again."))
    # Everything is checked before anything is written: a bad step must not leave a half-saved
    # draft, nor an uploaded file in storage that no revision points to.
    checked_steps = _check_steps(steps) if steps is not None else None
    revision.content = clean_html(content)
    revision.reason = reason
    revision.effective_date = effective_date
    if upload is not None:
        accept_source_file(revision, upload)
    refresh_search_text(revision)
    revision.lock_version += 1
    try:
        save_tracked(revision, acting_user, m2m={"legal_refs": legal_refs} if legal_refs is not None else None)
        if checked_steps is not None:
            _replace_steps(revision, checked_steps, acting_user)
    except Exception:
        if upload is not None and revision.source_file and revision.source_file._committed:
            revision.source_file.storage.delete(revision.source_file.name)  # the transaction rolls back
        raise
    return revision


def _check_steps(steps):
    """The steps as unsaved ``ProcedureStep`` rows, each validated; a ``ValidationError`` naming the
    step otherwise."""
    rows = []
    for order, data in enumerate(steps, start=1):
        if data.get("time_limit") is not None and data["time_limit"] < 0:
            raise ValidationError(_("Step %(n)s: a time limit cannot be negative.") % {"n": order})
        row = ProcedureStep(order=order, **data)
        try:
            row.full_clean(exclude=["revision"])
        except ValidationError as error:
            raise ValidationError([_("Step %(n)s: %(problem)s") % {"n": order, "problem": message}
                                   for message in error.messages])
        rows.append(row)
    return rows


def _replace_steps(revision, rows, user):
    """Replace the steps table with the checked ``rows``, in order."""
    for old in revision.steps.all():
        old._history_user = user
        old.delete()
    for row in rows:
        row.revision = revision
        save_tracked(row, user)


# The portal's own account (``qms_portal.services.system_user``) acts for scheduled tasks; it never
# reviews anything.
@transaction.atomic
def revision_set_reviewers(*, acting_user, revision, reviewers):
    """Name the reviewers of a draft, from ``reviewer_candidates`` (a superuser other than the
    portal's own account may be named too). Each gets a single-object grant to see and review it."""
    revision = _lock(revision)
    require_can(acting_user, "change", revision)
    if revision.status != S.DRAFT:
        raise ValidationError(_("Reviewers can be changed only while the revision is a draft."))
    reviewers = list(reviewers)
    if any(r.pk == revision.author_id for r in reviewers):
        raise ValidationError(_("The author cannot review their own revision."))
    if any(r.username == SYSTEM_USERNAME for r in reviewers):
        raise ValidationError(_("The portal's own account cannot review a revision."))
    eligible = set(reviewer_candidates(revision).filter(pk__in=[r.pk for r in reviewers])
                   .values_list("pk", flat=True))
    refused = [r for r in reviewers if r.pk not in eligible and not (r.is_superuser and r.is_active)]
    if refused:
        raise ValidationError(
            _("%(names)s may not review documents of %(unit)s: a reviewer reads this unit's documents through "
              "a role on it or on a unit above it.")
            % {"names": ", ".join(str(r) for r in refused), "unit": revision.document.unit})
    current = {a.reviewer_id: a for a in revision.reviewers.all()}
    for reviewer in reviewers:
        if reviewer.pk not in current:
            save_tracked(ReviewerAssignment(revision=revision, reviewer=reviewer), acting_user)
            permissions.grant(reviewer, "view", revision)
            permissions.grant(reviewer, "documents.review_revision", revision)
    for reviewer_id, assignment in current.items():
        if reviewer_id not in {r.pk for r in reviewers}:
            permissions.revoke(assignment.reviewer, "view", revision)
            permissions.revoke(assignment.reviewer, "documents.review_revision", revision)
            assignment._history_user = acting_user
            assignment.delete()
    return revision


# --- Workflow ---------------------------------------------------------------------------------


def _pending_reviewer(revision, user):
    return revision.reviewers.filter(reviewer=user, decision=ReviewerAssignment.Decision.PENDING).exists()


def _all_accepted(revision, user):
    decisions = list(revision.reviewers.values_list("decision", flat=True))
    return bool(decisions) and all(d == ReviewerAssignment.Decision.ACCEPTED for d in decisions)


def _ready_to_submit(revision, user):
    return revision.reviewers.exists()


def _reason_given(revision, user):
    return revision.number == 1 or bool(revision.reason.strip())


def _has_content(revision, user):
    return bool(revision.content.strip() or revision.source_file)


def _has_effective_date(revision, user):
    return revision.effective_date is not None


def _date_reached(revision, user):
    today = _sweep_day.get() or timezone.localdate()
    return revision.effective_date is not None and revision.effective_date <= today


def _on_submit(revision, user, reason, data):
    for assignment in revision.reviewers.all():
        assignment.decision, assignment.comment, assignment.decided_at = ReviewerAssignment.Decision.PENDING, "", None
        save_tracked(assignment, user)
    notify([a.reviewer for a in revision.reviewers.select_related("reviewer")], "revision_review_requested",
           params={"object": revision}, url=revision.get_absolute_url())


def _decide(revision, user, decision, comment):
    assignment = revision.reviewers.get(reviewer=user)
    assignment.decision, assignment.comment, assignment.decided_at = decision, comment, timezone.now()
    save_tracked(assignment, user)


def _on_accept(revision, user, reason, data):
    _decide(revision, user, ReviewerAssignment.Decision.ACCEPTED, reason)
    if _all_accepted(revision, user):
        approvers = users_who_can("documents.approve_revision", revision).exclude(pk=revision.author_id)
        notify(approvers, "revision_approval_requested", params={"object": revision},
               url=revision.get_absolute_url(), key=f"revision:{revision.pk}:ready:{revision.lock_version}")


def _on_request_changes(revision, user, reason, data):
    _decide(revision, user, ReviewerAssignment.Decision.CHANGES, reason)
    notify([revision.author], "revision_changes_requested", params={"object": revision, "reason": reason},
           url=revision.get_absolute_url())


def _on_approve(revision, user, reason, data):
    revision.approver = user
    if "needs_training" in data:  # the approver's choice on the approval form (``ApproveForm``)
        revision.needs_training = bool(data["needs_training"])
    save_tracked(revision, user)
    notify([revision.author], "revision_approved", params={"object": revision}, url=revision.get_absolute_url())
    if _date_reached(revision, user):
        enqueue("documents.tasks.publish_revision", revision_id=revision.pk)


def _on_publish(revision, user, reason, data):
    document = Document.objects.select_for_update().get(pk=revision.document_id)
    previous = document.current_revision
    if previous is not None and previous.status == S.EFFECTIVE:
        WORKFLOW.perform(previous, "supersede", acting_user=user, system=True,
                         reason=reason_for(gettext_noop("Replaced by revision %(label)s"), label=revision.label))
    for name, value in publication_fields(document, revision).items():
        setattr(document, name, value)
    save_tracked(document, user,
          reason=reason_for(gettext_noop("Revision %(label)s became effective"), label=revision.label))
    from .distribution import acknowledgements_assign

    acknowledgements_assign(acting_user=user, revision=revision)
    enqueue("documents.tasks.render_controlled_copy", revision_id=revision.pk, language=settings.LANGUAGE_CODE)


def publication_fields(document, revision):
    """What a revision's becoming effective sets on its document: the current revision, the date it
    is effective since, the next periodic review (the review period after it) and no review
    required. Publication applies it; the benchmark's bulk data applies the same."""
    return {"current_revision_id": revision.pk, "effective_since": revision.effective_date,
            "next_review_date": review_date_for(revision.effective_date, document.review_months),
            "review_required": False}


def _on_withdraw(revision, user, reason, data):
    document = Document.objects.select_for_update().get(pk=revision.document_id)
    document.is_withdrawn = True
    save_tracked(document, user, reason=reason)
    for open_revision in document.revisions.filter(status__in=OPEN_REVISION_STATUSES):
        WORKFLOW.perform(open_revision, "cancel", acting_user=user, reason=reason, system=True)
    # The controlled copy is made again, with the OBSOLETE watermark.
    enqueue("documents.tasks.render_controlled_copy", revision_id=revision.pk, language=settings.LANGUAGE_CODE)


WORKFLOW = register(Workflow(
    model=Revision,
    waiting={S.IN_REVIEW: ["documents.review_revision", "documents.approve_revision"]},
    transitions=[
        Transition(
            name="submit", label=gettext_lazy("Submit for review"), sources=(S.DRAFT,), target=S.IN_REVIEW,
            permission="documents.submit_revision",
            guards=(
                Guard(_ready_to_submit, gettext_lazy("Name at least one reviewer first.")),
                Guard(_reason_given, gettext_lazy("Give the reason for change (required from the second revision "
                                                  "on).")),
                Guard(_has_content, gettext_lazy("Write the content or upload the source file first.")),
            ),
            effect=_on_submit,
        ),
        Transition(
            name="accept", label=gettext_lazy("Accept (reviewed)"), sources=(S.IN_REVIEW,), target=S.IN_REVIEW,
            permission="documents.review_revision",
            guards=(Guard(_pending_reviewer, gettext_lazy("You are not a reviewer who still has to decide.")),
                    not_the_author("author")),
            signature="reviewed", effect=_on_accept, button="success",
        ),
        Transition(
            name="request_changes", label=gettext_lazy("Request changes"), sources=(S.IN_REVIEW,), target=S.DRAFT,
            permission="documents.review_revision",
            guards=(Guard(_pending_reviewer, gettext_lazy("You are not a reviewer who still has to decide.")),),
            reason_required=True, effect=_on_request_changes, button="warning",
        ),
        Transition(
            name="approve", label=gettext_lazy("Approve"), sources=(S.IN_REVIEW,), target=S.APPROVED,
            permission="documents.approve_revision",
            guards=(
                not_the_author("author", gettext_lazy("The author cannot approve their own revision.")),
                Guard(_all_accepted, gettext_lazy("Every reviewer must accept before approval.")),
                Guard(_has_effective_date, gettext_lazy("Set the effective date before approval.")),
            ),
            signature="approved", effect=_on_approve, form_class=ApproveForm, button="success",
        ),
        Transition(
            name="publish", label=gettext_lazy("Publish"), sources=(S.APPROVED,), target=S.EFFECTIVE,
            permission="documents.publish_revision",
            guards=(Guard(_date_reached, gettext_lazy("The effective date has not come yet.")),),
            effect=_on_publish, system=True,
        ),
        Transition(
            name="supersede", label=gettext_lazy("Supersede"), sources=(S.EFFECTIVE,), target=S.SUPERSEDED,
            permission="documents.publish_revision", system=True,
        ),
        Transition(
            name="cancel", label=gettext_lazy("Cancel"), sources=tuple(OPEN_REVISION_STATUSES),
            target=S.OBSOLETE, permission="documents.withdraw_document", system=True,
        ),
        Transition(
            name="withdraw", label=gettext_lazy("Withdraw the document"), sources=(S.EFFECTIVE,), target=S.OBSOLETE,
            permission="documents.withdraw_document", reason_required=True, effect=_on_withdraw, button="danger",
        ),
    ],
))


def revision_transition(*, acting_user, revision, name, reason="", password=None, data=None):
    """Take a transition of a revision by its name, as a person (``TransitionView`` calls this). The
    portal's own transitions (publish, supersede, cancel) are not among them."""
    return WORKFLOW.perform(revision, name, acting_user=acting_user, reason=reason, password=password, data=data)


def revision_publish_due(*, acting_user=None, today=None):
    """Publish every approved revision whose effective date has come (the hourly task), as the
    portal itself unless ``acting_user`` is given. Returns how many were published."""
    today = today or timezone.localdate()
    published = 0
    for revision in Revision.objects.filter(status=S.APPROVED, effective_date__lte=today):
        if revision_publish(acting_user=acting_user, revision=revision, today=today):
            published += 1
    return published


def revision_publish(*, revision, acting_user=None, today=None):
    """Publish one approved revision (a system transition: the portal's own account by default);
    False if it is not due or already done. ``today`` is the day the sweep acts for (default: the
    real date)."""
    from qms_portal.workflow import TransitionError

    token = _sweep_day.set(today)
    try:
        WORKFLOW.perform(revision, "publish", acting_user=acting_user or system_user(), system=True)
    except TransitionError:
        return False
    finally:
        _sweep_day.reset(token)
    return True


def review_date_for(effective: date, months: int):
    return effective + relativedelta(months=months)
