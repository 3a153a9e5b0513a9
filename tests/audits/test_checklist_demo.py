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


def test_with_the_whole_demo_ward_1s_audit_in_progress_is_half_filled_in():
    """With the plan part's demo (after the merge): Ward 1's audit on site today."""
    pytest.importorskip("audits.demo_plan")
    from django.test import Client
    from django.urls import reverse

    from audits.models import Audit
    from qms_portal import areas
    from qms_portal.demo import seed_demo
    from qms_portal.models import User

    seed_demo()
    for _area, seed in areas.tools("demo"):
        seed()
    audit = Audit.objects.get(status=Audit.Status.IN_PROGRESS, unit__code="DIST")  # on site at Ward 1
    items = audit.items.all()
    assert items.count() >= 6
    assert 0 < items.exclude(answer="").count() < items.count()
    for username in ("auditor", "dist-auditor"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        url = reverse("audits:checklist", args=[audit.pk])
        assert "data-answer-template" in client.get(url).content.decode()  # the form, for each question
        page = client.get(url, {"forms": "1"}).content.decode()  # without JavaScript
        assert page.count("data-answer-form") == items.count()
    for _area, seed in areas.tools("demo"):
        seed()  # a second run adds nothing
    assert audit.items.count() == items.count()
