"""Checklist templates: a checklist kept for next year's audits, and a new checklist started from one."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qms_portal.history import reason
from qms_portal.models import Unit
from qms_portal.permissions import can
from qms_portal.services import require_can, save_tracked

from ..models import ChecklistItem, ChecklistTemplate, ChecklistTemplateItem
from .checklist import _locked_audit, _next_position, _require, edit_refusal

ADD_TEMPLATE = "audits.add_checklisttemplate"


def _clean_name(name):
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Give the template a name.")})
    return name[:200]


@transaction.atomic
def checklist_save_as_template(*, acting_user, audit, unit, name):
    """Keep ``audit``'s questions (their clause and text, in their order; not the answers) as a
    template of ``unit``, where the acting user keeps templates."""
    if not can(acting_user, "view", audit):
        raise PermissionDenied
    if not isinstance(unit, Unit) or not unit.is_active:
        raise ValidationError({"unit": _("Choose an active unit.")})
    require_can(acting_user, ADD_TEMPLATE, unit)
    questions = list(audit.items.order_by("position", "id").values_list("clause_id", "question"))
    if not questions:
        raise ValidationError(_("The checklist has no questions to keep."))
    template = save_tracked(ChecklistTemplate(unit=unit, name=_clean_name(name), source_audit=audit), acting_user,
                            reason=reason(gettext_noop("Saved from the audit %(number)s"), number=audit.number))
    for position, (clause_id, question) in enumerate(questions, start=1):
        save_tracked(ChecklistTemplateItem(template=template, position=position, clause_id=clause_id,
                                           question=question), acting_user)
    return template


@transaction.atomic
def checklist_from_template(*, acting_user, audit, template):
    """Add ``template``'s questions to ``audit``'s checklist, after those already there (a question
    already on it is not added twice). Returns the items added."""
    audit = _locked_audit(audit)
    _require(acting_user, audit, edit_refusal)
    if not can(acting_user, "view", template):
        raise ValidationError({"template": _("Choose a template you can see.")})
    if not template.is_active:
        raise ValidationError({"template": _("This template is no longer in use.")})
    asked = set(audit.items.values_list("question", flat=True))
    position = _next_position(audit)
    made = []
    for row in template.items.order_by("position", "id"):
        if row.question in asked:
            continue
        item = ChecklistItem(audit=audit, position=position, clause_id=row.clause_id, question=row.question)
        made.append(save_tracked(item, acting_user, reason=reason(gettext_noop("From the template %(name)s"),
                                                                  name=template.name)))
        asked.add(row.question)
        position += 1
    return made


@transaction.atomic
def checklist_template_update(*, acting_user, template, name, is_active, questions):
    """Rename, retire or bring back a template, and set its questions: ``questions`` is the list in
    its new order of ``{"item": ChecklistTemplateItem or None (a new one), "clause": Clause or None,
    "question": str, "delete": bool}``."""
    template = ChecklistTemplate.objects.select_for_update().select_related("unit").get(pk=template.pk)
    require_can(acting_user, "change", template)
    template.name, template.is_active = _clean_name(name), bool(is_active)
    save_tracked(template, acting_user)
    kept = [q for q in questions if not q.get("delete") and (q.get("question") or "").strip()]
    if not kept:
        raise ValidationError(_("A template keeps at least one question."))
    for q in questions:
        row = q.get("item")
        if row is not None and row.template_id != template.pk:
            raise ValidationError(_("A question of another template was sent; reload the page."))
        if row is not None and (q.get("delete") or not (q.get("question") or "").strip()):
            row._history_user = acting_user
            row.delete()
    for position, q in enumerate(kept, start=1):
        row = q.get("item") or ChecklistTemplateItem(template=template)
        row.position, row.clause, row.question = position, q.get("clause"), q["question"].strip()
        save_tracked(row, acting_user)
    return template
