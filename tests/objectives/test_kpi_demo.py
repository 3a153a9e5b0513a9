"""The kpi part of the objectives demo: the Department of Home Affairs' objectives cascaded to its
divisions, 24 months of on-time rates rising from about 96 % to 98 %, the Administrative Reform
Division's last month still to enter, the construction bureau's in Chinese — through the services,
idempotent; and the README's logins see them."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from objectives import demo_kpi
from objectives.models import Indicator, Measurement, QualityObjective
from qms_portal.demo import seed_demo
from qms_portal.models import User
from tests.helpers import built_once

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


@pytest.fixture(scope="module")
def _demo(django_db_setup, django_db_blocker):
    def build():
        seed_demo()
        shared = {"language": "en"}
        made = demo_kpi.seed(shared)
        again = demo_kpi.seed({"language": "en"})
        return shared, made, again

    with built_once(django_db_blocker, build) as made:
        yield made


def login(username):
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_the_demo_is_made_once(_demo, db):
    shared, made, again = _demo
    assert made > 100 and again == 0
    assert set(shared["kpi"]) == {"units", "mr", "objectives", "indicators"}


def test_the_departments_objectives_cascade_to_its_divisions(_demo, db):
    top = QualityObjective.objects.filter(unit__code="DOHA", code="MT-01").order_by("-year")[0]
    children = set(top.children.values_list("unit__code", flat=True))
    assert children == {"DOHA-D01", "DOHA-D02", "DOHA-D03", "DOHA-D04", "DOHA-D05"}
    assert "hồ sơ" in top.title
    assert "按时办结率" in QualityObjective.objects.get(unit__code="CB", code="ZL-01").title


def test_the_on_time_rate_rises_from_96_to_98_percent_over_two_years(_demo, db):
    indicator = Indicator.objects.get(unit__code="DOHA-D02", code="ontime")
    values = list(Measurement.objects.filter(indicator=indicator).order_by("period").values_list("value", flat=True))
    assert len(values) == 24
    assert Decimal("95.5") <= sum(values[:3]) / 3 <= Decimal("96.6")
    assert sum(values[-3:]) / 3 >= Decimal("97.8")
    assert not Measurement.objects.filter(indicator=indicator, is_late=True).exists()


def test_the_administrative_reform_division_still_has_last_month_to_enter(_demo, db):
    client = login("depthead")
    page = client.get(reverse("objectives:period_entry")).content.decode()
    assert "Tỷ lệ hồ sơ giải quyết đúng hạn" in page and 'inputmode="decimal"' in page
    assert client.get(reverse("objectives:indicator_list")).status_code == 200


def test_the_management_representative_sees_the_cascade_and_a_missed_month(_demo, db):
    client = login("mr")
    page = client.get(reverse("objectives:objective_tree")).content.decode()
    assert "MT-01.3" in page
    missed = Indicator.objects.get(unit__code="DOHA-D04", code="ontime")
    assert "Raise a nonconformity" in client.get(missed.get_absolute_url()).content.decode()
