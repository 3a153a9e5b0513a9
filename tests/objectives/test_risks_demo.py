"""The risks part of the objectives demo: the Department of Home Affairs' register in Vietnamese and
the construction bureau's in Chinese, recorded through the services by the people who keep them,
with actions open and done (one tracked as a corrective action), one review due (its owner
reminded), and idempotent."""

import pytest
from django.test import Client
from django.urls import reverse

from objectives import demo_risks
from objectives.models import Risk, RiskAction
from objectives.services.risks_reminders import MESSAGE
from qms_portal.demo import seed_demo
from qms_portal.models import Notification, User
from tests.helpers import built_once

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


@pytest.fixture(scope="module")
def _demo(django_db_setup, django_db_blocker):
    def build():
        seed_demo()
        return demo_risks.seed({})

    with built_once(django_db_blocker, build) as made:
        yield made


def test_the_registers_of_the_story(_demo):
    assert _demo == len(demo_risks.REGISTER) == 6
    doha = Risk.objects.filter(unit__path__startswith=Risk.objects.get(unit__code="DOHA").unit.path)
    assert doha.count() == 3 and doha.filter(kind=Risk.Kind.OPPORTUNITY).count() == 1
    cb = Risk.objects.filter(unit__code__startswith="CB")
    assert cb.count() == 3 and all("审批" in r.title or "数据" in r.title for r in cb)
    late = Risk.objects.get(title="Hồ sơ thủ tục hành chính giải quyết trễ hạn")
    assert late.history.last().history_user.username == "depthead"
    assert (late.rating, late.residual_rating, late.status) == (16, 8, Risk.Status.TREATED)
    states = set(RiskAction.objects.values_list("status", flat=True))
    assert {RiskAction.Status.OPEN, RiskAction.Status.DONE} <= states
    assert RiskAction.objects.filter(corrective_action__isnull=False).count() == 1


def test_one_review_is_due_and_its_owner_was_reminded_once(_demo):
    depthead = User.objects.get(username="depthead")
    assert Notification.objects.filter(kind=MESSAGE, recipient=depthead).count() == 1
    assert demo_risks.seed({}) == 0  # a second run makes nothing and reminds nothing more
    assert Notification.objects.filter(kind=MESSAGE, recipient=depthead).count() == 1


def test_the_management_representative_sees_the_register_and_its_matrix(_demo):
    client = Client()
    client.force_login(User.objects.get(username="mr"))
    page = client.get(reverse("objectives:risk_list")).content.decode()
    assert "Mất hoặc thất lạc hồ sơ lưu trữ giấy" in page and 'class="qms-heat-link"' in page
    assert "行政审批事项超时办结" not in page
