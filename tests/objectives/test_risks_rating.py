"""Ratings and bands of risks and opportunities (likelihood × impact or benefit, 1–25), the
services' rules (numbers 1 to 5, dates not past, the owner within reach), "My work", the "top
risks" figure and the management review's input "risks"."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.utils import timezone

from objectives.models import Risk
from objectives.models.risks import BAND_RANGES, Band, band_of
from objectives.selectors import risks as selectors
from objectives.services import risks as services
from qms_portal import areas
from tests import factories

TODAY = timezone.localdate()


@pytest.mark.parametrize("rating,band", [(1, Band.LOW), (4, Band.LOW), (5, Band.MEDIUM), (9, Band.MEDIUM),
                                         (10, Band.HIGH), (12, Band.HIGH), (15, Band.VERY_HIGH), (25, Band.VERY_HIGH),
                                         (None, None)])
def test_a_rating_falls_in_one_band(rating, band):
    assert band_of(rating) == band


def test_the_bands_cover_every_product_of_two_numbers_from_1_to_5_once():
    products = {lk * im for lk in range(1, 6) for im in range(1, 6)}
    assert all(sum(low <= p <= high for low, high in BAND_RANGES.values()) == 1 for p in products)
    with pytest.raises(ValueError):
        band_of(26)


def test_rating_and_residual_rating():
    risk = Risk(likelihood=4, impact=5)
    assert (risk.rating, risk.band, risk.residual_rating, risk.residual_band) == (20, Band.VERY_HIGH, None, None)
    risk.residual_likelihood, risk.residual_impact = 2, 3
    assert (risk.residual_rating, risk.residual_band) == (6, Band.MEDIUM)


@pytest.fixture
def tree(db):
    t = factories.small_tree()
    t.head = factories.make_user(f"{t.prefix}head", t.ward1)
    factories.assign(t.head, "department_head", t.ward1)
    return t


def make(t, unit=None, **kw):
    kw.setdefault("likelihood", 3)
    kw.setdefault("impact", 3)
    return services.risk_create(acting_user=t.superuser, unit=unit or t.ward1, title=kw.pop("title", "Rủi ro"), **kw)


@pytest.mark.parametrize("field,value", [("likelihood", 0), ("likelihood", 6), ("impact", 0), ("impact", 6)])
def test_the_service_refuses_numbers_outside_1_to_5(tree, field, value):
    with pytest.raises(ValidationError) as error:
        make(tree, **{field: value})
    assert field in error.value.error_dict and not Risk.objects.exists()


def test_the_service_refuses_a_past_review_date_an_owner_out_of_reach_and_a_unit_out_of_scope(tree):
    with pytest.raises(ValidationError):
        make(tree, review_on=TODAY - timedelta(days=1))
    with pytest.raises(ValidationError) as error:
        make(tree, owner=tree.outsider)
    assert "owner" in error.value.error_dict
    with pytest.raises(PermissionDenied):
        services.risk_create(acting_user=tree.head, unit=tree.ward2, title="x", likelihood=1, impact=1)
    assert not Risk.objects.exists()


def test_numbers_follow_the_unit_and_a_refused_risk_consumes_none(tree):
    first = make(tree)
    with pytest.raises(ValidationError):
        make(tree, likelihood=9)
    second = make(tree)
    assert [first.number, second.number] == [f"{tree.ward1.code}-RO-001", f"{tree.ward1.code}-RO-002"]


def test_my_work_lists_the_owners_reviews_and_actions_due(tree):
    soon = make(tree, owner=tree.head, review_on=TODAY + timedelta(days=5), title="Sắp xem xét")
    make(tree, owner=tree.head, review_on=TODAY + timedelta(days=60), title="Còn lâu")
    services.risk_action_create(acting_user=tree.superuser, risk=soon, description="Hành động sắp đến hạn",
                                owner=tree.head, due_on=TODAY + timedelta(days=2))
    [section] = selectors.risk_work(tree.head)
    labels = [label for label, _url, _detail in section.items]
    assert labels == [f"{soon.number} · Hành động sắp đến hạn", str(soon)]
    assert selectors.risk_work(tree.ward1_staff)[0].items == []


def test_top_risks_count_open_ones_rated_15_or_more_in_the_readers_scope(tree):
    make(tree, likelihood=5, impact=3)
    make(tree, likelihood=4, impact=3)
    make(tree, tree.division, likelihood=5, impact=5)
    closed = make(tree, likelihood=5, impact=5)
    services.risk_review(acting_user=tree.superuser, risk=closed, residual_likelihood=None, residual_impact=None,
                         review_on=None, status=Risk.Status.CLOSED)
    figure = next(f for _a, f in areas.dashboard_figures() if f.key == "objectives.top_risks")
    assert figure.queryset(tree.district_steering).count() == 1
    assert str(figure.url).endswith("?band=very_high")


def test_the_review_input_counts_bands_before_and_after_and_actions_in_constant_queries(
        tree, django_assert_num_queries):
    treated = make(tree, likelihood=5, impact=4)
    services.risk_review(acting_user=tree.superuser, risk=treated, residual_likelihood=2, residual_impact=2,
                         review_on=TODAY + timedelta(days=90), status=Risk.Status.TREATED)
    make(tree, tree.ward2, kind=Risk.Kind.OPPORTUNITY, likelihood=3, impact=4)
    make(tree, tree.division, likelihood=5, impact=5)  # another branch: left out
    done = services.risk_action_create(acting_user=tree.superuser, risk=treated, description="Xong", owner=tree.head,
                                       due_on=TODAY)
    services.risk_action_complete(acting_user=tree.head, action=done, note="Đã làm")
    services.risk_action_create(acting_user=tree.superuser, risk=treated, description="Còn mở", owner=tree.head,
                                due_on=TODAY + timedelta(days=5))
    start, end = date(TODAY.year, 1, 1), date(TODAY.year, 12, 31)
    with django_assert_num_queries(3):
        data = selectors.compile_review_input(tree.district, start, end)
    assert data["total"] == 2
    assert data["kinds"]["risk"]["before"]["very_high"] == 1 and data["kinds"]["risk"]["after"]["low"] == 1
    assert data["kinds"]["opportunity"]["before"]["high"] == 1 and data["kinds"]["opportunity"]["after"]["none"] == 1
    assert data["actions"] == {"done": 1, "open": 1, "overdue": 0, "cancelled": 0}
    assert data["top"] == [{"number": treated.number, "kind": "risk", "before": 20, "after": 4}]
    [(area, item)] = [(a, i) for a, i in areas.review_inputs() if i.key == "risks"]
    html = render_to_string(item.template, {"data": data, "review": None})
    assert treated.number in html and "20 → 4" in html

