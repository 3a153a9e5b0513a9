"""The review part's province-sized data (``objectives/scale_review.py``) on small numbers, after
the core's and the other areas' (``seed_scale``): reviews per unit running its QMS, the older ones
held and signed with their inputs frozen, the current one planned; decisions open and done; and the
bench's pages and the compilation it measures (constant queries)."""

import io

import pytest
from django.core.management import call_command
from django.test import Client

from objectives.bench_review import Bench, province_review
from objectives.models import ManagementReview, ReviewDecision
from objectives.scale_review import Scale, qms_units
from qms_portal.models import TransitionRecord, Unit, User
from tests import factories

pytestmark = pytest.mark.django_db
SMALL = {"only": "documents,nonconformities,audits,objectives",  # not the training area
         "units": 20, "users": 120, "documents": 0, "nonconformities": 30, "actions": 30, "audits": 20,
         "checklist-items": 300, "indicators": 2, "indicator-months": 3, "surveys": 2, "survey-responses": 20,
         "risks-per-unit": 1, "reviews": 0}


@pytest.fixture
def seeded():
    args = ["seed_scale"]
    for key, value in SMALL.items():
        args += [f"--{key}", str(value)]
    call_command(*args, stdout=io.StringIO())
    root = Unit.objects.get(code="PROV")
    admin = User.objects.filter(is_superuser=True).first()
    # The reviews built here, after the other areas' records (their inputs are frozen into the held ones).
    summary = Scale().build(root=root, options={"reviews": 3, "review_decisions": 4}, acting_user=admin)
    return root, summary


def test_each_qms_unit_has_its_reviews_older_ones_signed_with_frozen_inputs(seeded):
    root, summary = seeded
    units = {u.pk for u in qms_units(root)}
    assert set(ManagementReview.objects.values_list("unit_id", flat=True)) <= units
    assert ManagementReview.objects.filter(unit=root).count() == 3
    signed = ManagementReview.objects.filter(status="signed")
    assert signed.count() == summary["held"] > 0
    assert all("nonconformities" in {e["key"] for e in r.snapshot["inputs"]} for r in signed)
    assert TransitionRecord.objects.filter(signature_meaning="minutes_signed").count() == summary["held"]
    assert ReviewDecision.objects.count() == summary["held"] * 4
    assert ReviewDecision.objects.filter(status="open").count() == summary["open"] > 0
    assert summary["grants"] == 2 * summary["decisions"]
    assert ManagementReview.history.filter(history_type="+").count() == summary["reviews"]
    assert Scale().build(root=root, options={"reviews": 0, "review_decisions": 4}, acting_user=None) == {"reviews": 0}


def test_the_bench_opens_the_province_review_and_measures_its_compilation(seeded):
    root, _summary = seeded
    admin = factories.make_superuser()
    review = province_review(admin)
    assert review.unit_id == root.pk and review.status == "planned"
    client = Client()
    client.force_login(admin)
    for _name, url in Bench().pages(admin, {}):
        assert client.get(url).status_code == 200, url
    result = Bench().measure(user=admin, options={}, runs=20, warmup=1, secure=False)
    assert len(result["compilation"]["queries"]) == 1
    assert Bench().problems(result) == []
