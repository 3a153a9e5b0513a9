"""Change requests, periodic review, and the legal register with its change flagging."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from qms_portal.history import reason as reason_for
from qms_portal.notifications import Item, notify, notify_grouped
from qms_portal.permissions import can, users_who_can, users_who_can_each
from qms_portal.reminders import sweep
from qms_portal.services import require_can, save_tracked
from qms_portal.workflow import Guard, Transition, Workflow, register

from ..models import ChangeRequest, Document, LegalDocument, PeriodicReview
from ..selectors import affected_documents
from .revisions import WORKFLOW as REVISION_WORKFLOW
from .revisions import revision_create_draft

# --- Change requests --------------------------------------------------------------------------


@transaction.atomic
def change_request_create(*, acting_user, document, reason):
    """Anyone who can see an effective document may propose a change."""
    if not can(acting_user, "view", document):
        raise PermissionDenied
    if not document.current_revision_id or document.is_withdrawn:
        raise ValidationError(_("Changes can be proposed only for an effective document."))
    # The requester follows their request through ChangeRequest.scope_extra (a guardian grant would
    # land in guardian's generic table, which the permission mechanism does not read).
    request = save_tracked(ChangeRequest(document=document, requester=acting_user, reason=reason), acting_user)
    owners = {document.process_owner_id: document.process_owner}
    for user in users_who_can("documents.decide_changerequest", request):
        owners[user.pk] = user
    owners.pop(acting_user.pk, None)
    notify(owners.values(), "changerequest_submitted", params={"object": document},
           url=request.get_absolute_url(), key=f"changerequest:{request.pk}")
    return request


def _may_open_draft(request, user):
    return can(user, "documents.add_revision", request.document.unit)


def _on_accept_change(request, user, reason, data):
    draft = revision_create_draft(acting_user=user, document=request.document, reason=request.reason)
    request.new_revision = draft
    save_tracked(request, user)
    notify([request.requester], "changerequest_accepted", params={"object": request.document},
           url=request.get_absolute_url())


def _on_decline_change(request, user, reason, data):
    notify([request.requester], "changerequest_declined", params={"object": request.document, "reason": reason},
           url=request.get_absolute_url())


CHANGE_WORKFLOW = register(Workflow(
    model=ChangeRequest,
    waiting={ChangeRequest.Status.OPEN: "documents.decide_changerequest"},
    transitions=[
        Transition(name="accept", label=gettext_lazy("Accept and open a new draft"),
                   sources=(ChangeRequest.Status.OPEN,), target=ChangeRequest.Status.ACCEPTED,
                   permission="documents.decide_changerequest",
                   # Accepting opens the draft in the decider's name: a management representative
                   # decides change requests but writes no documents, so they may only decline.
                   guards=(Guard(_may_open_draft, gettext_lazy(
                       "Accepting opens a new draft, and you may not write this unit's documents. Ask the "
                       "document controller or the department head, or decline with a reason.")),),
                   effect=_on_accept_change, button="success"),
        Transition(name="decline", label=gettext_lazy("Decline"), sources=(ChangeRequest.Status.OPEN,),
                   target=ChangeRequest.Status.DECLINED, permission="documents.decide_changerequest",
                   reason_required=True, effect=_on_decline_change, button="danger"),
    ],
))


def change_request_transition(*, acting_user, change_request, name, reason="", password=None, data=None):
    return CHANGE_WORKFLOW.perform(change_request, name, acting_user=acting_user, reason=reason, password=password,
                                   data=data)


# --- Periodic review --------------------------------------------------------------------------


@transaction.atomic
def periodic_review_record(*, acting_user, document, outcome, notes=""):
    """Still valid → the next review date moves on; revise → a new draft; withdraw → withdrawn."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    require_can(acting_user, "documents.review_document", document)
    current = document.current_revision
    if current is None or document.is_withdrawn:
        raise ValidationError(_("Only an effective document has a periodic review."))
    if outcome == PeriodicReview.Outcome.WITHDRAW and not notes.strip():
        raise ValidationError({"notes": _("Give the reason for withdrawing the document.")})
    review = save_tracked(PeriodicReview(document=document, outcome=outcome, notes=notes, reviewed_by=acting_user),
                   acting_user)
    if outcome == PeriodicReview.Outcome.VALID:
        from dateutil.relativedelta import relativedelta

        document.next_review_date = timezone.localdate() + relativedelta(months=document.review_months)
        document.review_required = False
        save_tracked(document, acting_user, reason=reason_for(gettext_noop("Periodic review: still valid")))
    elif outcome == PeriodicReview.Outcome.REVISE:
        revision_create_draft(acting_user=acting_user, document=document, reason=notes)
    else:
        REVISION_WORKFLOW.perform(current, "withdraw", acting_user=acting_user, reason=notes)
    return review


def documents_remind_reviews(*, today=None, batch_size=1000):
    """30 and 7 days before a document's next review date, and when it is overdue: once each per
    review date, ONE message to each owner and reviewer listing every document due (the core's
    ``sweep``). Returns the sweep's ``SweepResult``."""
    today = today or timezone.localdate()
    due = Document.objects.filter(is_withdrawn=False, next_review_date__lte=today + timedelta(days=30))
    stage = Case(When(next_review_date__lt=today, then=Value("overdue")),
                 When(next_review_date__lte=today + timedelta(days=7), then=Value("7")), default=Value("30"))

    def recipients(batch):
        people = users_who_can_each("documents.review_document", batch)
        return {d.pk: [d.process_owner, *(u for u in people.get(d.pk, ()) if u.pk != d.process_owner_id)]
                for d in batch}

    return sweep(
        due, kind="review_due", stage=stage, due="next_review_date", recipients=recipients,
        item=lambda d: Item(d, note=d.next_review_date), related=("unit", "process_owner"),
        message="reviews_due", url=reverse("documents:register") + "?status=review_due",
        now=timezone.now(), batch_size=batch_size,
    )


# --- Legal register ---------------------------------------------------------------------------


def _legal_admin(user):
    if not (user.is_superuser or user.has_perm("documents.change_legaldocument")):
        raise PermissionDenied


@transaction.atomic
def legal_document_save(*, acting_user, legal=None, **fields):
    _legal_admin(acting_user)
    legal = legal or LegalDocument()
    status_before = legal.status if legal.pk else None
    for name, value in fields.items():
        setattr(legal, name, value)
    save_tracked(legal, acting_user)
    if status_before is not None and status_before != legal.status:
        legal_document_flag_citing(acting_user=acting_user, legal=legal)
    return legal


def legal_document_flag_citing(*, acting_user, legal):
    """A change of a legal document's status marks every effective document citing it "review
    required" and tells each owner ONCE, listing their documents ("36 documents need review")."""
    owners = {}
    count = 0
    for document in affected_documents(legal):
        if not document.review_required:
            document.review_required = True
            save_tracked(document, acting_user,
                  reason=reason_for(gettext_noop("Legal basis changed: %(number)s"), number=legal.number))
        owners.setdefault(document.process_owner_id, (document.process_owner, []))[1].append(document)
        count += 1
    notify_grouped(
        "legal_review_required", {owner: documents for owner, documents in owners.values()},
        params={"legal": legal.number, "status": LegalDocument.Status(legal.status).label},
        url=reverse("documents:register") + "?status=review_required",
        key=f"legal:{legal.pk}:{legal.status}:{legal.updated_at.isoformat()}",
    )
    return count
