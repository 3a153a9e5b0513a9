"""The province-sized surveys (``objectives/scale_surveys.py`` through ``seed_scale``) on small
numbers: the counts asked for, one survey holding a tenth of the sheets, numbers and sequences,
and the bench's pages answering."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from objectives.bench_surveys import Bench
from objectives.models import Survey, SurveyAnswer, SurveyResponse
from objectives.scale_surveys import largest_survey
from objectives.services.surveys import NUMBER_KIND
from qms_portal.models import NumberSequence
from tests import factories

pytestmark = pytest.mark.django_db
SMALL = {"only": "documents,nonconformities,audits,objectives",  # not the training area
         "units": 20, "users": 60, "documents": 0, "nonconformities": 0, "actions": 0, "audits": 0,
         "checklist-items": 0, "indicators": 0, "risks-per-unit": 0, "reviews": 0}


def _seed(surveys=30, responses=600):
    """The core's tree and the surveys, through ``seed_scale`` (the objectives area's scale builder
    runs its parts' builders; the others are given nothing to build)."""
    out = io.StringIO()
    args = ["seed_scale", "--surveys", str(surveys), "--survey-responses", str(responses)]
    for key, value in SMALL.items():
        args += [f"--{key}", str(value)]
    call_command(*args, stdout=out)
    return out.getvalue()


def test_seed_scale_makes_the_surveys_and_answer_sheets_asked_for():
    out = _seed()
    assert Survey.objects.count() == 30 and SurveyResponse.objects.count() == 600
    assert SurveyAnswer.objects.count() == 600 * 5
    assert "30 satisfaction surveys" in out
    biggest = largest_survey()
    assert biggest.responses.count() == 60
    counts = Survey.objects.annotate(n=Count("responses")).values_list("n", flat=True)
    assert min(counts) >= 18
    numbers = list(Survey.objects.values_list("number", flat=True))
    assert len(set(numbers)) == len(numbers) and all("-SV-" in n for n in numbers)
    for s in Survey.objects.all():
        last = NumberSequence.objects.get(unit=s.unit, kind=NUMBER_KIND, year=s.period_start.year).last_number
        assert int(s.number.rsplit("-", 1)[1]) <= last
    assert Survey.objects.filter(status=Survey.Status.OPEN).exists()
    assert Survey.objects.filter(status=Survey.Status.CLOSED).exists()


def test_zero_surveys_builds_none():
    _seed(surveys=0)
    assert not Survey.objects.exists()


def test_the_bench_pages_answer_in_a_constant_number_of_queries(django_assert_max_num_queries):
    _seed()
    user = factories.make_superuser()
    client = Client()
    client.force_login(user)
    pages = Bench().pages(user, {})
    assert [name for name, _url in pages] == ["survey list", "survey results (largest)"]
    counts = []
    for _name, url in pages:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert max(counts) <= 30, counts
