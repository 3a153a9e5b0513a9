"""The checklist part's demo: the in-progress audit's checklist, half filled in, once."""

import pytest

from audits import demo_checklist
from audits.models import ChecklistItem, ChecklistTemplate
from tests.audits.factories_checklist import _media_in_tmp, checklist_world  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_in_progress_audit_gets_a_half_filled_checklist_once():
    w = checklist_world()
    demo = {"language": "en", "audits": {"in_progress": w.audit}}
    made = demo_checklist.seed(demo)
    items = ChecklistItem.objects.filter(audit=w.audit)
    assert made == items.count() == 2 + len(demo_checklist.EXTRA_QUESTIONS)
    answered = items.exclude(answer="")
    assert answered.count() == made // 2  # half filled in
    assert set(answered.values_list("answered_by", flat=True)) == {w.lead.pk, w.member.pk}
    assert demo["checklist"]["nonconformity"].answer == ChecklistItem.Answer.NONCONFORMITY
    assert demo_checklist.seed(demo) == 0
    assert ChecklistItem.objects.filter(audit=w.audit).count() == made
    assert ChecklistTemplate.objects.filter(name=demo_checklist.TEMPLATE_NAME).count() <= 1


def test_without_the_plan_parts_audits_nothing_is_made():
    assert demo_checklist.seed({"language": "en"}) == 0
    assert demo_checklist.seed({"language": "en", "audits": {}}) == 0
