"""The province-sized objectives and indicators (``objectives/scale_kpi.py`` through ``seed_scale``),
on small numbers: every unit gets its objectives (the first breaking down its parent's) and the same
indicator codes, each with its monthly values; the bench opens the indicator list, the province's
indicator page and roll-up, and the objectives' pages."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from objectives.bench_kpi import Bench, province_indicator
from objectives.models import Indicator, Measurement, QualityObjective
from qms_portal.models import Unit, User

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]
SMALL = {"only": "documents,nonconformities,audits,objectives",  # not the training area
         "units": 12, "users": 60, "documents": 0, "nonconformities": 0, "actions": 0, "audits": 0,
         "indicators": 4, "indicator-months": 6,
         "surveys": 0, "survey-responses": 0, "risks-per-unit": 0, "reviews": 0}


@pytest.fixture
def seeded():
    out = io.StringIO()
    args = ["seed_scale"]
    for key, value in SMALL.items():
        args += [f"--{key}", str(value)]
    call_command(*args, stdout=out)
    return out.getvalue()


def test_seed_scale_makes_the_indicators_and_values_asked_for(seeded):
    units = Unit.objects.filter(path__startswith=Unit.objects.get(code="PROV").path).count()
    assert Indicator.objects.count() == units * 4
    values = Measurement.objects.count()
    assert units * 4 * 5 < values <= units * 4 * 6
    assert Measurement.history.count() == values
    assert "indicators with" in seeded
    top = QualityObjective.objects.get(unit__code="PROV", code="MT-1")
    assert top.children.count() == Unit.objects.filter(parent__code="PROV").count()
    bad = [m for m in Measurement.objects.filter(denominator__isnull=False) if m.numerator > m.denominator]
    assert not bad


def test_the_bench_pages_open_for_the_province(seeded):
    user = User.objects.get(username="bench-admin")
    assert province_indicator(user) is not None
    client = Client()
    client.force_login(user)
    for name, url in Bench().pages(user, {}):
        assert client.get(url).status_code == 200, name
    assert reverse("objectives:indicator_rollup", args=[province_indicator(user).pk]) in dict(
        Bench().pages(user, {})).values()
