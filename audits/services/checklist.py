"""The checklist of an audit: built from the clause catalogue and from the steps of the procedures
in scope, edited (questions added, changed, moved, removed), answered on site one item at a time.

Who does what (the grants live on the audit, written by the plan's services):

* the lead auditor and the team (``audits.conduct_audit`` on the audit) build and edit the checklist
  while the audit is planned, notified or in progress, and answer it once the auditees are notified
  and while it is in progress; once it is in reporting, only the lead auditor corrects answers;
  a closed audit's checklist is read-only.
* an answer is sent with an idempotency key (``AnswerReceipt``): the same key sent again (a phone
  replaying its queue after the connection came back) returns what was saved the first time, and is
  saved once. It is also sent with the version of the item it was given on (``base_version``): an
  item answered meanwhile on another device is a conflict (``AnswerConflict``), never overwritten.
"""

import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qms_portal.history import reason
from qms_portal.permissions import can
from qms_portal.services import save_tracked

from ..models import AnswerReceipt, Audit, ChecklistItem

S = Audit.Status
CONDUCT = "audits.conduct_audit"
EDITABLE_STATES = (S.PLANNED, S.NOTIFIED, S.IN_PROGRESS)
ANSWERING_STATES = (S.NOTIFIED, S.IN_PROGRESS)
MAX_NOTES = 4000
MAX_QUESTION = 2000


# --- who may do what, now ----------------------------------------------------------------------------
def may_conduct(user, audit):
    return can(user, CONDUCT, audit)


def edit_refusal(user, audit):
    """Why ``user`` may not change ``audit``'s questions now (None: they may)."""
    if not may_conduct(user, audit):
        return _("Only the lead auditor and the audit team change the checklist.")
    if audit.status not in EDITABLE_STATES:
        return _("The checklist can no longer be changed: the audit is “%(state)s”.") % {
            "state": audit.get_status_display()}
    return None


def answer_refusal(user, audit):
    """Why ``user`` may not answer ``audit``'s checklist now (None: they may)."""
    if not may_conduct(user, audit):
        return _("Only the lead auditor and the audit team answer the checklist.")
    if audit.status in ANSWERING_STATES:
        return None
    if audit.status == S.REPORTING:
        if user.is_superuser or audit.lead_auditor_id == user.pk:
            return None
        return _("The audit is being reported: only the lead auditor corrects answers now.")
    if audit.status == S.PLANNED:
        return _("The checklist is answered once the auditees have been notified.")
    return _("The audit is closed: its checklist can no longer be changed.")


def _require(user, audit, refusal):
    """PermissionDenied for someone who does not conduct the audit; a ValidationError saying why
    for someone who does, when the audit's state does not allow it now."""
    if not may_conduct(user, audit):
        raise PermissionDenied
    message = refusal(user, audit)
    if message is not None:
        raise ValidationError(message)


def _locked_audit(audit):
    return Audit.objects.select_for_update().select_related("unit").get(pk=audit.pk)


def _locked_item(item):
    return ChecklistItem.objects.select_for_update().select_related("audit", "audit__unit").get(pk=item.pk)


def _next_position(audit):
    return (audit.items.aggregate(top=Max("position"))["top"] or 0) + 1


def _clean_question(question):
    question = (question or "").strip()
    if not question:
        raise ValidationError({"question": _("Write the question.")})
    if len(question) > MAX_QUESTION:
        raise ValidationError({"question": _("Keep the question under %(count)d characters.") % {
            "count": MAX_QUESTION}})
    return question


# --- building ------------------------------------------------------------------------------------------
def clause_question(clause):
    """The question a clause becomes, in the language now active (the builder's)."""
    return _("Clause %(number)s “%(title)s”: is it met, and what evidence shows it?") % {
        "number": clause.number, "title": clause.title}


def step_question(document, step):
    """The question one step of a procedure becomes: the "three clears" (who, how long, in which
    order) and its record, checked against what is done."""
    parts = [_("%(code)s, step %(order)s: %(title)s.") % {"code": document.code, "order": step.order,
                                                          "title": step.title}]
    if step.responsible:
        parts.append(_("Done by: %(who)s.") % {"who": step.responsible})
    limit = f"{step.time_limit.normalize():f}" if step.time_limit is not None else ""
    if limit:
        parts.append(_("Within %(limit)s %(unit)s.") % {"limit": limit, "unit": step.get_time_unit_display()})
    if step.output:
        parts.append(_("Record: %(output)s.") % {"output": step.output})
    parts.append(_("Is it done as written, and is the record kept?"))
    return " ".join(parts)


def procedure_steps(document):
    """The steps of ``document``'s effective revision (none if it has none)."""
    if not document.current_revision_id:
        return []
    return list(document.current_revision.steps.select_related("responsible_unit", "responsible_role")
                .order_by("order"))


@transaction.atomic
def checklist_build(*, acting_user, audit, clauses=(), procedures=()):
    """Add a question for each clause of ``clauses`` and for each step of the effective revision of
    each procedure of ``procedures`` (the audit's processes), after the questions already there.
    A clause or a step already asked is not asked twice. Returns the items added."""
    audit = _locked_audit(audit)
    _require(acting_user, audit, edit_refusal)
    in_scope = set(audit.processes.values_list("pk", flat=True))
    outside = [p for p in procedures if p.pk not in in_scope]
    if outside:
        raise ValidationError({"procedures": _("Choose procedures in the audit's scope.")})
    existing = list(audit.items.values_list("clause_id", "procedure_id", "question"))
    asked_clauses = {c for c, p, _q in existing if c and not p}
    asked = {(p, q) for _c, p, q in existing if p}
    position = _next_position(audit)
    made = []
    for clause in sorted(clauses, key=lambda c: c.sort_key):
        if clause.pk in asked_clauses:
            continue
        made.append(ChecklistItem(audit=audit, position=position, clause=clause, question=clause_question(clause)))
        asked_clauses.add(clause.pk)
        position += 1
    for document in sorted(procedures, key=lambda d: d.code):
        for step in procedure_steps(document):
            question = step_question(document, step)
            if (document.pk, question) in asked:
                continue
            made.append(ChecklistItem(audit=audit, position=position, procedure=document, question=question))
            asked.add((document.pk, question))
            position += 1
    if not made and not clauses and not procedures:
        raise ValidationError(_("Choose clauses or procedures to build the checklist from."))
    for item in made:
        save_tracked(item, acting_user, reason=reason(gettext_noop("Built from the audit's scope")))
    return made


@transaction.atomic
def checklist_item_add(*, acting_user, audit, question, clause=None, procedure=None):
    audit = _locked_audit(audit)
    _require(acting_user, audit, edit_refusal)
    if procedure is not None and not audit.processes.filter(pk=procedure.pk).exists():
        raise ValidationError({"procedure": _("Choose a procedure in the audit's scope.")})
    item = ChecklistItem(audit=audit, position=_next_position(audit), question=_clean_question(question),
                         clause=clause, procedure=procedure)
    return save_tracked(item, acting_user)


@transaction.atomic
def checklist_item_update(*, acting_user, item, question, clause=None, procedure=None):
    item = _locked_item(item)
    _require(acting_user, item.audit, edit_refusal)
    if procedure is not None and procedure.pk != item.procedure_id and not item.audit.processes.filter(
            pk=procedure.pk).exists():
        raise ValidationError({"procedure": _("Choose a procedure in the audit's scope.")})
    item.question, item.clause, item.procedure = _clean_question(question), clause, procedure
    return save_tracked(item, acting_user)


@transaction.atomic
def checklist_item_move(*, acting_user, item, direction):
    """Move a question one place up or down ("up" / "down"): it changes places with its neighbour."""
    item = _locked_item(item)
    _require(acting_user, item.audit, edit_refusal)
    items = list(ChecklistItem.objects.select_for_update().filter(audit_id=item.audit_id).order_by("position", "id"))
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    other_index = index - 1 if direction == "up" else index + 1 if direction == "down" else None
    if other_index is None:
        raise ValidationError(_("Move a question up or down."))
    if not 0 <= other_index < len(items):
        return item  # already first (or last): nothing to do
    # Positions made distinct first (items added at once may share one), then the two swapped.
    for position, row in enumerate(items, start=1):
        if row.position != position:
            row.position = position
            save_tracked(row, acting_user)
    mine, theirs = items[index], items[other_index]
    mine.position, theirs.position = theirs.position, mine.position
    save_tracked(theirs, acting_user)
    return save_tracked(mine, acting_user)


@transaction.atomic
def checklist_item_remove(*, acting_user, item):
    """Remove a question not yet answered (no answer, notes, photo or finding): an answered one stays
    (answer it "not applicable" instead). Its history keeps that it was removed and by whom."""
    from qms_portal.attachments import attachments_for

    item = _locked_item(item)
    _require(acting_user, item.audit, edit_refusal)
    if item.answer or item.notes or item.version or attachments_for(item, include_withdrawn=True).exists() \
            or item.findings.exists():
        raise ValidationError(_("An answered question stays on the checklist: answer it “Not applicable” instead."))
    item._history_user = acting_user
    item.delete()


# --- answering -----------------------------------------------------------------------------------------
class AnswerConflict(ValidationError):
    """The item was answered meanwhile (on another device): nothing was saved. ``item`` is what is
    saved now; ``answer`` and ``notes`` what this person sent."""

    def __init__(self, item, answer, notes):
        super().__init__(_("This question was answered meanwhile by %(who)s. Nothing was overwritten: "
                           "choose which answer to keep.") % {"who": item.answered_by or _("someone else")})
        self.item, self.answer, self.notes = item, answer, notes


@dataclass
class AnswerResult:
    item: ChecklistItem
    replayed: bool  # the key had been received before: nothing saved this time


def _key(key):
    try:
        return uuid.UUID(str(key))
    except (TypeError, ValueError, AttributeError):
        raise ValidationError(_("The answer came without a valid key; reload the page and answer again."))


def _replay(key, item_id):
    receipt = AnswerReceipt.objects.filter(key=key).first()
    if receipt is None:
        return None
    if receipt.item_id != item_id:
        raise ValidationError(_("This answer's key was used for another question; reload the page."))
    return receipt


def checklist_item_answer(*, acting_user, item, answer, notes, key, base_version):
    """Save one answer (``answer``: a ``ChecklistItem.Answer`` value, or "" for none yet; ``notes``),
    sent with its idempotency ``key`` and the item's version it was given on. Same key again →
    the first result, saved once. ``base_version`` behind the item's → ``AnswerConflict`` (unless
    the saved answer is the same). Returns an ``AnswerResult``."""
    key = _key(key)
    answer = answer or ""
    notes = (notes or "").strip()
    if answer not in ChecklistItem.Answer.values and answer != "":
        raise ValidationError({"answer": _("Choose conforms, nonconformity, observation or not applicable.")})
    if len(notes) > MAX_NOTES:
        raise ValidationError({"notes": _("Keep the notes under %(count)d characters.") % {"count": MAX_NOTES}})
    try:
        base_version = int(base_version)
    except (TypeError, ValueError):
        raise ValidationError(_("The answer came without the version it was given on; reload the page."))
    try:
        with transaction.atomic():
            return _answer(acting_user, item, answer, notes, key, base_version)
    except IntegrityError:
        # The same key arrived twice at once: the other request saved it; answer as a replay.
        receipt = _replay(key, item.pk)
        if receipt is None:
            raise
        return AnswerResult(ChecklistItem.objects.select_related("audit", "answered_by").get(pk=item.pk), True)


def _answer(acting_user, item, answer, notes, key, base_version):
    item = _locked_item(item)
    if _replay(key, item.pk) is not None:
        return AnswerResult(item, True)
    _require(acting_user, item.audit, answer_refusal)
    if (answer, notes) == (item.answer, item.notes):  # the same as saved (sent from two devices): no change
        AnswerReceipt.objects.create(key=key, item=item, version=item.version)
        return AnswerResult(item, False)
    if base_version != item.version:
        raise AnswerConflict(item, answer, notes)
    item.answer, item.notes = answer, notes
    item.answered_by, item.answered_at = (acting_user, timezone.now()) if answer or notes else (None, None)
    item.version += 1
    save_tracked(item, acting_user)
    AnswerReceipt.objects.create(key=key, item=item, version=item.version)
    return AnswerResult(item, False)


def checklist_item_photo_add(*, acting_user, item, upload, key, caption=""):
    """Attach an evidence photo to an item (the core's attachments: checked, re-encoded, without
    location data), sent with an idempotency key like an answer: sent twice, attached once. Returns
    the attachment, or None when the key had been received before."""
    from qms_portal.attachments import attachment_add

    key = _key(key)
    with transaction.atomic():
        locked = _locked_item(item)
        if _replay(key, locked.pk) is not None:
            return None
        _require(acting_user, locked.audit, answer_refusal)
        attachment = attachment_add(acting_user=acting_user, target=locked, upload=upload, caption=caption,
                                    allowed=("jpg", "jpeg", "png", "webp"))
        AnswerReceipt.objects.create(key=key, item=locked, version=locked.version)
    return attachment


# --- what a page shows ---------------------------------------------------------------------------------
def progress(audit):
    """``{"total": n, "answered": n, answer value: n, …}`` for the audit's checklist, in one query."""
    from django.db.models import Count

    counts = dict(audit.items.values_list("answer").annotate(n=Count("id")).order_by())
    total = sum(counts.values())
    result = {"total": total, "answered": total - counts.get("", 0)}
    for value in ChecklistItem.Answer.values:
        result[value] = counts.get(value, 0)
    return result
