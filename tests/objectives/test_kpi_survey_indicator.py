"""A survey's result feeds an indicator (kpi part, kind "satisfaction"): the indicator names a
survey of its unit or of a unit above it that its author can see; the survey's share satisfied or
basically satisfied becomes the value of the period holding the survey's last day when the survey
closes (through ``measurement_from_survey``), or at once when the survey is already closed; nobody
types such values; the indicator's page and form show the link."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from objectives.models import Indicator, Measurement
from objectives.services import kpi as services
from objectives.services import surveys as survey_services
from qms_portal.history import reason_text
from tests import factories
from tests.objectives.kpi_factories import indicator
from tests.objectives.surveys_factories import answer, group, make_survey
from tests.viewtests import logged_in

pytestmark = pytest.mark.django_db
SAT = Indicator.Kind.SATISFACTION
Q2 = date(2026, 4, 1)  # the quarter that holds 30 June 2026, the test surveys' last day


@pytest.fixture
def tree():
    return factories.small_tree()


def answered(tree, unit=None, ratings=(1, 1, 2, 3)):
    """An open survey of ``unit`` (ward 1) with one answer sheet per rating, all dimensions alike:
    by default 2 satisfied, 1 basically, 1 not satisfied → 75 % satisfied or basically satisfied."""
    survey = make_survey(tree.ward1_mr if unit is None else tree.superuser, unit or tree.ward1)
    urls = survey_services.survey_links_create(acting_user=tree.superuser, survey=survey, group=group(survey),
                                               count=len(ratings))
    for url, rating in zip(urls, ratings, strict=True):
        answer(url, survey, rating)
    return survey


def satisfaction(tree, survey, unit=None, user=None, **kw):
    kw.setdefault("frequency", Indicator.Frequency.QUARTERLY)
    return indicator(unit or tree.ward1, user or tree.ward1_mr, code="hai-long", name="Tỷ lệ hài lòng",
                     target="90", kind=SAT, survey=survey, **kw)


def close(tree, survey):
    survey_services.survey_transition(acting_user=tree.superuser, survey=survey, name="close")
    survey.refresh_from_db()


# ---- the link, checked by the service --------------------------------------------------------------------
def test_a_satisfaction_indicator_names_a_survey_and_reads_a_percentage(tree):
    survey = answered(tree)
    ind = satisfaction(tree, survey, unit_of_measure="")
    assert ind.survey == survey and ind.unit_of_measure == "%"
    with pytest.raises(ValidationError) as error:
        satisfaction(tree, None)
    assert error.value.message_dict["survey"] == ["Choose the survey whose result this indicator takes."]
    with pytest.raises(ValidationError) as error:
        indicator(tree.ward1, tree.ward1_mr, code="diem", kind=SAT, survey=survey, unit_of_measure="điểm")
    assert error.value.message_dict["unit_of_measure"] == ["A survey's result is a percentage: the unit of measure "
                                                           "is %."]


def test_only_a_satisfaction_indicator_names_a_survey(tree):
    survey = answered(tree)
    with pytest.raises(ValidationError) as error:
        indicator(tree.ward1, tree.ward1_mr, code="x", survey=survey)
    assert "Only a satisfaction survey result indicator" in error.value.message_dict["survey"][0]
    assert not Indicator.objects.filter(code="x").exists()


def test_the_survey_is_one_of_the_unit_or_above_that_the_author_can_see(tree):
    other_branch = make_survey(tree.superuser, tree.ward2)
    with pytest.raises(ValidationError) as error:
        satisfaction(tree, other_branch, user=tree.superuser)
    assert error.value.message_dict["survey"] == ["Choose a survey of the reporting unit or of a unit above it."]
    above = make_survey(tree.superuser, tree.district)  # ward 1's representative sees ward 1 only
    with pytest.raises(ValidationError) as error:
        satisfaction(tree, above)
    assert error.value.message_dict["survey"] == ["Choose a survey you can see."]
    assert satisfaction(tree, above, user=tree.superuser).survey == above


def test_a_kind_with_values_does_not_turn_into_a_survey_result(tree):
    survey = answered(tree)
    plain = indicator(tree.ward1, tree.superuser, code="plain", frequency=Indicator.Frequency.QUARTERLY)
    services.measurement_enter(acting_user=tree.superuser, indicator=plain, period=date(2025, 10, 1),
                               value=Decimal(80))
    with pytest.raises(ValidationError) as error:
        services.indicator_update(acting_user=tree.superuser, indicator=plain, kind=SAT, survey=survey)
    assert "to or from a satisfaction survey result" in error.value.message_dict["kind"][0]


# ---- the result becomes the value ------------------------------------------------------------------------
def test_closing_the_survey_writes_its_result_as_the_periods_value_with_history(tree):
    survey = answered(tree)
    ind = satisfaction(tree, survey)
    assert not Measurement.objects.filter(indicator=ind).exists()  # open: nothing yet
    close(tree, survey)
    m = Measurement.objects.get(indicator=ind)
    assert (m.period, m.value, m.numerator, m.denominator) == (Q2, Decimal("75.0"), 15, 20)  # 4 sheets × 5 dimensions
    assert m.comment == survey.number and not m.is_late
    assert services.measurement_status(m) == "missed"  # 75 % against a target of 90 %
    assert reason_text(m.history.first().history_change_reason) == f"From the survey {survey.number}"


def test_a_survey_already_closed_feeds_an_indicator_linked_to_it_later(tree):
    survey = answered(tree, ratings=(1, 1, 1, 2))
    close(tree, survey)
    ind = satisfaction(tree, survey)
    assert Measurement.objects.get(indicator=ind).value == Decimal("100.0")
    yearly = indicator(tree.ward1, tree.ward1_mr, code="nam", name="Năm", target="90", kind=SAT, survey=survey,
                       frequency=Indicator.Frequency.YEARLY)
    assert Measurement.objects.get(indicator=yearly).period == date(2026, 1, 1)


def test_a_survey_without_answers_writes_nothing(tree):
    survey = make_survey(tree.ward1_mr, tree.ward1)
    ind = satisfaction(tree, survey)
    close(tree, survey)
    assert not Measurement.objects.filter(indicator=ind).exists()


def test_the_result_is_written_only_for_the_survey_the_indicator_names_once_closed(tree):
    survey, other = answered(tree), answered(tree)
    ind = satisfaction(tree, survey)
    from objectives.selectors.surveys import survey_result

    with pytest.raises(ValidationError, match="once the survey is closed"):
        services.measurement_from_survey(acting_user=tree.superuser, indicator=ind, survey=survey,
                                         result=survey_result(survey))
    close(tree, other)
    with pytest.raises(ValidationError, match="does not take its values from this survey"):
        services.measurement_from_survey(acting_user=tree.superuser, indicator=ind, survey=other,
                                         result=survey_result(other))
    assert not Measurement.objects.filter(indicator=ind).exists()


def test_nobody_types_a_survey_indicators_value(tree):
    ind = satisfaction(tree, answered(tree))
    with pytest.raises(ValidationError) as error:
        services.measurement_enter(acting_user=tree.superuser, indicator=ind, period=date(2025, 10, 1),
                                   value=Decimal(95))
    assert "takes its values from its survey's result" in error.value.messages[0]
    assert not Measurement.objects.filter(indicator=ind).exists()


# ---- the pages ------------------------------------------------------------------------------------------
def test_the_form_offers_the_kind_and_the_surveys_and_the_service_checks_them(tree):
    survey, theirs = answered(tree), make_survey(tree.superuser, tree.ward2)
    client = logged_in(tree.ward1_mr)
    url = reverse("objectives:indicator_create")
    page = client.get(url).content.decode()
    assert 'value="satisfaction"' in page and f'value="{survey.pk}"' in page
    assert f'value="{theirs.pk}"' not in page  # another ward's survey is not offered
    data = {"unit": tree.ward1.pk, "code": "hai-long", "name": "Tỷ lệ hài lòng", "kind": "value",
            "survey": survey.pk, "unit_of_measure": "%", "direction": "higher", "target": "90",
            "frequency": "quarterly", "is_active": "on"}
    refused = client.post(url, data)
    assert refused.status_code == 200 and "Only a satisfaction survey result indicator" in refused.content.decode()
    assert not Indicator.objects.filter(code="hai-long").exists()
    response = client.post(url, {**data, "kind": "satisfaction"})
    ind = Indicator.objects.get(code="hai-long")
    assert response.status_code == 302 and ind.survey == survey and ind.kind == SAT


def test_the_indicator_page_shows_its_survey_and_offers_no_entry(tree):
    survey = answered(tree)
    ind = satisfaction(tree, survey)
    close(tree, survey)
    page = logged_in(tree.ward1_mr).get(ind.get_absolute_url()).content.decode()
    assert survey.get_absolute_url() in page and survey.number in page
    assert "becomes the value of Q2 2026 when the survey closes" in page
    assert "75 %" in page and "(15/20)" in page
    assert reverse("objectives:measurement_enter", args=[ind.pk]) not in page
    grid = logged_in(tree.ward1_mr).get(reverse("objectives:period_entry") + "?frequency=quarterly")
    assert ind.name not in grid.content.decode()


def test_the_survey_page_lists_the_indicators_it_feeds_that_the_reader_may_see(tree):
    survey = make_survey(tree.superuser, tree.district)
    district = satisfaction(tree, survey, unit=tree.district, user=tree.superuser)
    ward = satisfaction(tree, survey, unit=tree.ward1, user=tree.superuser)
    page = logged_in(tree.district_steering).get(survey.get_absolute_url()).content.decode()
    assert "Feeds the indicators" in page
    assert district.get_absolute_url() in page and ward.get_absolute_url() in page
    from objectives.services import kpi as kpi_services

    kpi_services.indicator_update(acting_user=tree.superuser, indicator=ward, kind="value", survey=None)
    page = logged_in(tree.district_steering).get(survey.get_absolute_url()).content.decode()
    assert ward.get_absolute_url() not in page
