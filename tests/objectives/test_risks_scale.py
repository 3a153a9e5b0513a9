"""The risks part's scale builder and bench pages: risks and opportunities with their actions in
every unit, in bulk, numbered as the service numbers them (the next one recorded follows on), and
the bench's pages open."""

import pytest
from django.test import Client

from objectives.bench_risks import Bench
from objectives.models import Risk, RiskAction
from objectives.scale_risks import Scale, build_risks
from objectives.services import risks as services
from tests import factories

pytestmark = pytest.mark.django_db


def test_it_builds_the_register_in_bulk_and_numbers_follow_on():
    t = factories.small_tree()
    head = factories.make_user(f"{t.prefix}head", t.ward1)
    factories.assign(head, "department_head", t.district)
    summary = build_risks(root=t.district, per_unit=6, acting_user=t.superuser)
    assert summary["risks"] == Risk.objects.count() == 18 and summary["actions"] == RiskAction.objects.count()
    assert Risk.objects.filter(unit=t.ward1, owner=head).count() == 6
    assert Risk.objects.filter(kind=Risk.Kind.OPPORTUNITY).count() == 3
    assert Risk.history.count() == 18
    nxt = services.risk_create(acting_user=t.superuser, unit=t.ward1, title="Mới", likelihood=1, impact=1)
    assert nxt.number == f"{t.ward1.code}-RO-007"
    assert build_risks(root=t.district, per_unit=0)["risks"] == 0
    client = Client()
    client.force_login(t.superuser)
    pages = Bench().pages(t.superuser, {})
    assert [name for name, _url in pages][-1] == "risk page"
    for _name, url in pages:
        assert client.get(url).status_code == 200
    assert "risks" in Scale().data_size()
