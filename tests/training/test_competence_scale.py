"""The competence part's scale builder: qualifications in bulk with their history, the share
expiring and expired, requirements at the root, valid until never before obtained; 0 builds none."""

import pytest
from django.utils import timezone

from qms_portal.bench import sweeps
from qms_portal.bench.scale import build_scale
from qms_portal.models import Unit
from training.models import CompetenceRequirement, Qualification
from training.scale_competence import Scale, build_competence
from training.selectors.competence import state_q
from training.services.competence_reminders import due_qualifications

pytestmark = pytest.mark.django_db


def test_it_builds_qualifications_and_requirements_under_the_root():
    build_scale(units=12, users=60, prefix="SCQ", notifications=0, access_requests=0)
    root = Unit.objects.get(code="SCQ")
    made = build_competence(root=root, qualifications=300)
    assert made["qualifications"] == Qualification.objects.count() == 300
    assert Qualification.history.count() == 300
    assert CompetenceRequirement.objects.filter(unit=root).count() == 3
    today = timezone.localdate()
    assert Qualification.objects.filter(state_q("expiring", today)).count() == made["expiring"] > 0
    assert Qualification.objects.filter(state_q("expired", today)).count() >= made["expired"] > 0
    assert all(q.valid_until >= q.obtained_on for q in Qualification.objects.all())
    assert due_qualifications(today).exists()
    assert build_competence(root=root, qualifications=0)["qualifications"] == 0
    lines = Scale().describe(made)
    assert "300 qualifications" in lines[0]
    with pytest.raises(ValueError):
        Scale().check({"qualifications": -1})


def test_the_bench_names_its_pages_and_measures_the_sweep():


    from tests import factories
    from tests.training.competence_factories import competence, qualification
    from training.bench_competence import Bench

    t = factories.small_tree()
    head = factories.make_user(f"{t.prefix}head", t.ward1)
    factories.assign(head, "department_head", t.ward1)
    for n in range(3):
        qualification(factories.make_user(f"{t.prefix}p{n}", t.ward1), competence("bench-ia"), obtained=-1000,
                      until=20 + n)
    names = [name for name, _url in Bench().pages(head, {})]
    assert names == ["qualifications", "qualifications ?expiring", "qualifications ?q=", "competence requirements",
                     "my training"]
    result = sweeps.measure_command("bench_qualification_sweep")
    assert result["due_rows"] == 3 and result["messages"] == 4  # three people and their head
    lines = Bench().format({"qualification_sweep": result})
    assert any("qualifications expiring within 90 days" in line for line in lines)
