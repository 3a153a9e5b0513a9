"""The plan part's demo (each demo agency's plan for this year in its language, with items, budget
lines, approved by its management representative; items linked to the demo's sessions when there
are some; idempotent), its scale builder (a plan per unit with items, in bulk, linked to held
sessions) and its bench (pages that open, figures and the review input measured with a constant
number of queries)."""

from datetime import date

import pytest
from django.test import Client
from django.utils import timezone

from qms_portal.demo import seed_demo
from tests import factories
from tests.helpers import built_once
from tests.training import plan_factories as f
from training import demo_plan
from training.bench_plan import Bench
from training.models import PlanItem, TrainingPlan
from training.scale_plan import Scale, build_plans

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]
YEAR = timezone.localdate().year


@pytest.fixture(scope="module")
def _demo(django_db_setup, django_db_blocker):
    def build():
        seed_demo()
        return demo_plan.seed({}), demo_plan.seed({})

    with built_once(django_db_blocker, build) as made:
        yield made


def test_the_demo_agencies_plans_in_their_languages_approved_and_idempotent(_demo):
    first, second = _demo
    assert first == sum(len(spec[3]) + 1 for spec in demo_plan.PLANS.values()) and second == 0
    doha = TrainingPlan.objects.get(unit__code="DOHA", year=YEAR)
    cb = TrainingPlan.objects.get(unit__code="CB", year=YEAR)
    dist = TrainingPlan.objects.get(unit__code="DIST", year=YEAR)
    assert doha.status == cb.status == TrainingPlan.Status.APPROVED and dist.status == TrainingPlan.Status.DRAFT
    assert "triệu đồng" in doha.budget and "人民币" in cb.budget
    assert any("内审员" in str(i) for i in cb.items.all())
    assert doha.items.count() == 5
    client = Client()
    from qms_portal.models import User

    client.force_login(User.objects.get(username="mr"))
    page = client.get(doha.get_absolute_url()).content.decode()
    assert "Đào tạo chuyên gia đánh giá nội bộ" in page


def test_the_scale_builder_makes_a_plan_per_unit_linked_to_held_sessions_and_the_bench_opens():
    t = factories.small_tree()
    held = f.session(t.ward1, when=date(YEAR, 2, 3), status="closed")
    f.participant(held, t.ward1_staff, attendance="present")
    summary = build_plans(root=t.district, per_unit=4, acting_user=t.superuser)
    plans = TrainingPlan.objects.filter(unit__path__startswith=t.district.path)
    assert plans.filter(year=YEAR).count() == 3  # the district and its two wards
    assert plans.filter(year=YEAR - 1).count() == 1  # last year's for one unit in three
    assert summary["plans"] == 4 and summary["items"] == PlanItem.objects.filter(plan__in=plans).count() == 16
    assert PlanItem.objects.filter(sessions=held).count() == 1 and summary["links"] == 1
    assert TrainingPlan.history.filter(unit__path__startswith=t.district.path).count() == 4
    assert build_plans(root=t.district, per_unit=4, acting_user=t.superuser)["plans"] == 0  # one per unit and year
    assert build_plans(root=t.district, per_unit=0)["plans"] == 0
    client = Client()
    client.force_login(t.superuser)
    for _name, url in Bench().pages(t.superuser, {}):
        assert client.get(url).status_code == 200
    result = Bench().measure(user=t.superuser, options={}, runs=10, warmup=1, secure=False)
    assert "review input resources" in result and not Bench().problems(result)
    assert Bench().format(result)
    assert "training plans" in Scale().data_size()
