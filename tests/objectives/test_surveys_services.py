"""Satisfaction surveys: writing one, its states, its links (single use, expiry, a capped general
link), anonymous answers unless signed, result arithmetic, and the result fed to indicators."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from objectives.models import Indicator, Measurement, Survey, SurveyResponse
from objectives.selectors import surveys as selectors
from objectives.services import surveys as services
from qms_portal.models import PublicLink
from qms_portal.public_links import PublicLinkInvalid, public_link_resolve
from tests import factories
from tests.objectives.surveys_factories import answer, group, make_survey, ratings_data, token_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return factories.small_tree()


# ---- result arithmetic (no database) -----------------------------------------------------------------------
def test_the_three_levels_are_counted_and_shares_rounded_to_one_decimal():
    t = selectors.tally({1: 135, 2: 15}, Survey.Scale.THREE)
    assert (t["satisfied"], t["basic"], t["not"], t["answers"]) == (135, 15, 0, 150)
    assert t["satisfied_pct"] == Decimal("90.0") and t["positive_pct"] == Decimal("100.0")
    t = selectors.tally({1: 1, 2: 1, 3: 1}, Survey.Scale.THREE)
    assert t["satisfied_pct"] == Decimal("33.3") and t["positive_pct"] == Decimal("66.7")


def test_on_the_five_point_scale_very_satisfied_and_satisfied_count_as_satisfied():
    t = selectors.tally({1: 2, 2: 3, 3: 1, 4: 3, 5: 1}, Survey.Scale.FIVE)
    assert (t["satisfied"], t["basic"], t["not"]) == (5, 1, 4)
    assert t["satisfied_pct"] == Decimal("50.0") and t["positive_pct"] == Decimal("60.0")


def test_no_answers_gives_no_share_rather_than_zero():
    t = selectors.tally({}, Survey.Scale.THREE)
    assert t["answers"] == 0 and t["satisfied_pct"] is None and t["positive_pct"] is None
    assert selectors.pct(3, 0) is None


# ---- writing a survey ------------------------------------------------------------------------------------
def test_a_new_survey_is_numbered_in_draft_with_the_five_dimensions_in_the_units_language(tree):
    unit = factories.make_unit(tree.city, f"{tree.prefix}SX", name="绍兴市人民政府办公室")
    survey = make_survey(tree.superuser, unit, open_it=False)
    assert survey.status == Survey.Status.DRAFT
    assert survey.number == f"{unit.code}-SV-2026-01"
    names = list(survey.dimensions.order_by("position").values_list("name", flat=True))
    with translation.override("zh-hans"):
        assert names == [translation.gettext(n) for n in services.DEFAULT_DIMENSIONS]
    assert [(g.name, g.invited) for g in survey.groups.all()] == [("City leaders", 7), ("Departments", 23)]


def test_a_survey_needs_a_group_and_a_period_that_ends_after_it_starts(tree):
    with pytest.raises(ValidationError):
        make_survey(tree.superuser, tree.ward1, groups=[("  ", 3)])
    with pytest.raises(ValidationError):
        services.survey_create(acting_user=tree.superuser, unit=tree.ward1, title="X", period_start=date(2026, 6, 1),
                               period_end=date(2026, 1, 1), groups=[("Citizens", 0)])
    assert not Survey.objects.filter(unit=tree.ward1).exists()


def test_staff_may_not_write_a_survey(tree):
    with pytest.raises(PermissionDenied):
        make_survey(tree.ward1_staff, tree.ward1)


def test_open_surveys_keep_their_questions_and_closed_ones_cannot_change(tree):
    survey = make_survey(tree.ward1_mr, tree.ward1)
    services.survey_update(acting_user=tree.ward1_mr, survey=survey, title="Other", period_start=date(2020, 1, 1),
                           period_end=date(2020, 1, 2), scale=Survey.Scale.FIVE, groups=[("City leaders", 9)],
                           dimensions=["Only one"])
    survey.refresh_from_db()
    assert survey.title == "Khảo sát mức độ hài lòng" and survey.scale == Survey.Scale.THREE
    assert survey.dimensions.count() == 5 and group(survey).invited == 9
    services.survey_transition(acting_user=tree.ward1_mr, survey=survey, name="close")
    with pytest.raises(ValidationError):
        services.survey_update(acting_user=tree.ward1_mr, survey=survey, title="X", period_start=date(2026, 1, 1),
                               period_end=date(2026, 1, 2), scale="three", groups=[("A", 1)], dimensions=["B"])


# ---- links ----------------------------------------------------------------------------------------------------
def test_a_single_use_link_takes_one_answer_and_is_then_refused(tree):
    survey = make_survey(tree.ward1_mr, tree.ward1)
    [url] = services.survey_links_create(acting_user=tree.ward1_mr, survey=survey, group=group(survey), count=1)
    answer(url, survey, 1)
    with pytest.raises(PublicLinkInvalid) as refused:
        public_link_resolve(token_of(url))
    assert refused.value.reason == "used"
    assert SurveyResponse.objects.filter(survey=survey).count() == 1


def test_an_expired_link_is_refused(tree):
    survey = make_survey(tree.ward1_mr, tree.ward1)
    [url] = services.survey_links_create(acting_user=tree.ward1_mr, survey=survey, group=group(survey), count=1)
    link = public_link_resolve(token_of(url))
    PublicLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(PublicLinkInvalid) as refused:
        public_link_resolve(token_of(url))
    assert refused.value.reason == "expired"


def test_links_last_until_the_survey_closes_and_closing_withdraws_the_unused(tree):
    closes = timezone.now() + timedelta(days=3)
    survey = make_survey(tree.ward1_mr, tree.ward1, closes_at=closes)
    urls = services.survey_links_create(acting_user=tree.ward1_mr, survey=survey, group=group(survey), count=2)
    link = public_link_resolve(token_of(urls[0]))
    assert abs((link.expires_at - closes).total_seconds()) < 5
    services.survey_transition(acting_user=tree.ward1_mr, survey=survey, name="close")
    with pytest.raises(PublicLinkInvalid) as refused:
        public_link_resolve(token_of(urls[1]))
    assert refused.value.reason == "revoked"


def test_a_general_link_takes_answers_up_to_its_cap(tree):
    survey = make_survey(tree.ward1_mr, tree.ward1, groups=[("Citizens", 0)])
    _link, url = services.survey_general_link_create(acting_user=tree.ward1_mr, survey=survey,
                                                     group=group(survey), cap=2)
    answer(url, survey, 1)
    answer(url, survey, 2)
    with pytest.raises(PublicLinkInvalid) as refused:
        answer(url, survey, 3)
    assert refused.value.reason == "used"
    assert SurveyResponse.objects.filter(survey=survey).count() == 2


def test_links_are_handed_out_only_while_the_survey_is_open_and_count_as_asked(tree):
    survey = make_survey(tree.ward1_mr, tree.ward1, open_it=False)
    with pytest.raises(ValidationError):
        services.survey_links_create(acting_user=tree.ward1_mr, survey=survey, group=group(survey), count=1)
    services.survey_transition(acting_user=tree.ward1_mr, survey=survey, name="open")
    services.survey_links_create(acting_user=tree.ward1_mr, survey=survey, group=group(survey), count=9)
    assert group(survey).invited == 9  # 7 typed, 9 links handed out


def test_an_answer_to_a_survey_closed_meanwhile_is_refused_and_nothing_is_consumed(tree):
    survey = make_survey(tree.ward1_mr, tree.ward1)
    [url] = services.survey_links_create(acting_user=tree.ward1_mr, survey=survey, group=group(survey), count=1)
    link = public_link_resolve(token_of(url))
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)
    with pytest.raises(ValidationError):
        answer(url, survey, 1)
    link.refresh_from_db()
    assert link.uses == 0 and not SurveyResponse.objects.exists()


def test_e_mail_invitations_send_one_message_per_person_in_their_language(tree, mailoutbox,
                                                                           django_capture_on_commit_callbacks):
    survey = make_survey(tree.ward1_mr, tree.ward1)
    with django_capture_on_commit_callbacks(execute=True):
        services.survey_invite_by_email(acting_user=tree.ward1_mr, survey=survey, group=group(survey),
                                        recipients=[("a@example.vn", "vi"), ("b@example.cn", "zh-hans")])
    assert sorted(m.to[0] for m in mailoutbox) == ["a@example.vn", "b@example.cn"]
    by_address = {m.to[0]: m for m in mailoutbox}
    assert "?lang=vi" in by_address["a@example.vn"].body and "?lang=zh-hans" in by_address["b@example.cn"].body
    tokens = {token_of(m.body.split("http", 1)[1].split()[0]) for m in mailoutbox}
    assert len(tokens) == 2  # a link of their own each
    assert group(survey).invited == 7  # 2 invitations do not lower the 7 asked


def test_a_bad_address_is_named_by_its_line():
    with pytest.raises(ValidationError) as error:
        services.parse_recipients("a@example.vn\nnot-an-address\nb@example.vn xx", "vi")
    messages = error.value.message_dict["recipients"]
    assert "Line 2" in messages[0] and "Line 3" in messages[1]


# ---- anonymous unless signed ------------------------------------------------------------------------------
def test_an_answer_keeps_no_trace_of_its_link_and_a_name_only_when_signed(tree):
    survey = make_survey(tree.ward1_mr, tree.ward1)
    urls = services.survey_links_create(acting_user=tree.ward1_mr, survey=survey, group=group(survey), count=2)
    anonymous = answer(urls[0], survey, 1, comment="Tốt", signed_name="Nguyễn Văn A")  # not ticked: dropped
    signed = answer(urls[1], survey, 2, comment="Khá", sign=True, signed_name="Trần Thị B")
    assert anonymous.signed_name == "" and signed.signed_name == "Trần Thị B"
    fields = {f.name for f in SurveyResponse._meta.get_fields()}
    assert not fields & {"link", "public_link", "token", "ip", "address"}
    assert anonymous.submitted_at.minute == 0 and anonymous.submitted_at.second == 0


# ---- results -------------------------------------------------------------------------------------------------
def _shaoxing(tree):
    survey = make_survey(tree.ward1_mr, tree.ward1)
    leaders = services.survey_links_create(acting_user=tree.ward1_mr, survey=survey, group=group(survey, 1), count=7)
    departments = services.survey_links_create(acting_user=tree.ward1_mr, survey=survey, group=group(survey, 2),
                                               count=23)
    for url in leaders:
        answer(url, survey, 1)
    for i, url in enumerate(departments):
        answer(url, survey, [2, 2, 1, 1, 1] if i < 7 else ([2, 1, 1, 1, 1] if i == 7 else 1))
    return survey


def test_the_result_per_group_and_dimension_matches_the_source_articles(tree, django_assert_num_queries):
    survey = _shaoxing(tree)
    with django_assert_num_queries(4):
        result = selectors.survey_result(survey)
    assert result["responses"] == 30 and result["answers"] == 150
    assert result["satisfied_pct"] == Decimal("90.0") and result["positive_pct"] == Decimal("100.0")
    assert result["response_rate"] == Decimal("100.0")
    leaders, departments = result["groups"]
    assert (leaders["responses"], leaders["satisfied_pct"]) == (7, Decimal("100.0"))
    assert departments["satisfied"] == 100 and departments["basic"] == 15
    first = result["dimensions"][0]
    assert (first["satisfied"], first["basic"], first["satisfied_pct"]) == (22, 8, Decimal("73.3"))


def test_closing_writes_the_result_as_the_period_measurement_of_linked_indicators(tree):
    survey = _shaoxing(tree)
    indicator = Indicator.objects.create(unit=tree.ward1, code="hai-long", name="Satisfaction", target=90,
                                         kind=Indicator.Kind.SATISFACTION, survey=survey,
                                         frequency=Indicator.Frequency.QUARTERLY, unit_of_measure="%")
    services.survey_transition(acting_user=tree.ward1_mr, survey=survey, name="close")
    m = Measurement.objects.get(indicator=indicator)
    assert m.period == date(2026, 4, 1) and m.value == Decimal("100.0")
    assert (m.numerator, m.denominator) == (150, 150)
    assert m.history.count() == 1


def test_the_review_input_lists_the_subtrees_surveys_closed_in_the_period(tree, django_assert_num_queries):
    survey = _shaoxing(tree)
    services.survey_transition(acting_user=tree.ward1_mr, survey=survey, name="close")
    other = make_survey(tree.superuser, tree.division)
    services.survey_transition(acting_user=tree.superuser, survey=other, name="close")
    today = timezone.localdate()
    with django_assert_num_queries(4):
        data = selectors.review_satisfaction(tree.district, today - timedelta(days=1), today)
    [row] = data["surveys"]
    assert row["number"] == survey.number and row["responses"] == 30
    assert (row["satisfied_pct"], row["positive_pct"]) == ("90.0", "100.0")
    assert row["dimensions"][0] == {"name": row["dimensions"][0]["name"], "answers": 30, "satisfied_pct": "73.3",
                                    "positive_pct": "100.0"}


def test_the_figure_counts_surveys_under_eighty_percent(tree):
    good = _shaoxing(tree)
    bad = make_survey(tree.ward1_mr, tree.ward1)
    for url in services.survey_links_create(acting_user=tree.ward1_mr, survey=bad, group=group(bad), count=2):
        answer(url, bad, 3)
    for s in (good, bad):
        services.survey_transition(acting_user=tree.ward1_mr, survey=s, name="close")
    assert list(selectors.below_threshold(tree.district_steering)) == [bad]
    assert set(selectors.closed_recently(tree.district_steering)) == {good, bad}
    assert not selectors.below_threshold(tree.outsider).exists()
    # The figure's link opens the surveys' list filtered to exactly those surveys.
    from tests.objectives.figure_links import counted_and_listed

    for unit, expected in ((tree.district, 1), (tree.ward1, 1), (tree.ward2, 0)):
        assert counted_and_listed(tree.district_steering, "objectives.surveys_below_threshold", unit) == (
            expected, expected)


def test_the_dashboards_satisfaction_is_the_positive_answers_of_the_surveys_closed_in_the_period(tree):
    """The steering committee's figure: answers "satisfied" or "basically satisfied" out of all the
    answers of the surveys closed in the period, summed up the tree (over the answers, not an average
    of the surveys' rates); a survey still open counts nothing."""
    from qms_portal.periods import Period
    from qms_portal.steering import selectors as steering

    good = _shaoxing(tree)  # 150 answers, all positive
    bad = make_survey(tree.ward1_mr, tree.ward1)
    for url in services.survey_links_create(acting_user=tree.ward1_mr, survey=bad, group=group(bad), count=2):
        answer(url, bad, 3)  # dissatisfied
    still_open = make_survey(tree.superuser, tree.ward2)
    for url in services.survey_links_create(acting_user=tree.superuser, survey=still_open, group=group(still_open),
                                            count=1):
        answer(url, still_open, 3)
    for survey in (good, bad):
        services.survey_transition(acting_user=tree.ward1_mr, survey=survey, name="close")
    negative = 2 * bad.dimensions.count()

    def cells(period):
        board = steering.dashboard(tree.district_steering, tree.district, period, with_trends=False)
        index = [figure.key for figure in board.figures].index("objectives.satisfaction")
        return {row.unit.code: row.cells[index] for row in board.rows}

    found = cells(Period.of("year"))  # the answers each survey froze when it closed, summed up the tree
    assert (found[tree.ward1.code].total, found[tree.ward1.code].denominator_total) == (150, 150 + negative)
    assert (found[tree.district.code].total, found[tree.district.code].denominator_total) == (150, 150 + negative)
    assert found[tree.district.code].detail == f"150 / {150 + negative}"
    assert found[tree.district.code].value == pytest.approx(150 / (150 + negative))
    assert found[tree.ward2.code].value is None  # its survey is still open
    last_year = timezone.localdate().replace(month=1, day=1) - timedelta(days=1)
    assert cells(Period.of("year", last_year))[tree.district.code].value is None
    assert cells(Period.of("year", last_year))[tree.district.code].url == ""  # nothing closed then: no link

    # Each number links to the surveys' list filtered to exactly the surveys whose answers it sums
    # (closed, in the period, in the unit's subtree): the list counts what the cell counted.
    from django.test import Client

    client = Client()
    client.force_login(tree.district_steering)
    linked = 0
    for code, cell in found.items():
        if cell.url:
            response = client.get(cell.url)
            assert response.status_code == 200, cell.url
            assert response.context["filter"].qs.count() == cell.linked == cell.rows, (code, cell.url)
            linked += cell.linked
    assert found[tree.district.code].linked == 2 and linked >= 4  # the two closed surveys, district and ward
    assert "status=closed" in found[tree.district.code].url and "closed_from=" in found[tree.district.code].url


def test_a_rating_outside_the_scale_is_refused(tree):
    survey = make_survey(tree.ward1_mr, tree.ward1)
    [url] = services.survey_links_create(acting_user=tree.ward1_mr, survey=survey, group=group(survey), count=1)
    with pytest.raises(ValidationError):
        answer(url, survey, 5)
    assert ratings_data(survey, 1)


# ---- what the part registers ------------------------------------------------------------------------------
def test_closing_tells_each_person_who_keeps_the_survey_once(tree):
    from qms_portal.models import Notification

    iso = factories.make_user(f"{tree.prefix}iso", tree.ward1)
    factories.assign(iso, "document_controller", tree.ward1)
    survey = _shaoxing(tree)
    services.survey_transition(acting_user=tree.ward1_mr, survey=survey, name="close")
    rows = Notification.objects.filter(kind="survey_closed")
    assert sorted(rows.values_list("recipient__username", flat=True)) == sorted([tree.ward1_mr.username, iso.username])
    from qms_portal.notifications import render

    with translation.override("en"):
        assert "90.0 % satisfied" in str(render(rows.first()).text)


def test_the_review_input_and_the_figures_are_registered_with_the_area():
    from django.template.loader import render_to_string

    from qms_portal import areas

    [item] = [i for _a, i in areas.review_inputs() if i.key == "satisfaction"]
    html = render_to_string(item.template, {"data": {"surveys": [
        {"number": "CB-SV-2026-01", "title": "机关服务满意度测评", "unit": "CB", "unit_name": "市城建局",
         "closed": "2026-07-20", "responses": 30, "answers": 150, "satisfied_pct": "90.0", "positive_pct": "100.0",
         "dimensions": [{"name": "服务态度", "answers": 30, "satisfied_pct": "73.3", "positive_pct": "100.0"}]}]}})
    assert "CB-SV-2026-01" in html and "73.3 %" in html
    keys = {f.key for _a, f in areas.dashboard_figures()}
    assert {"objectives.surveys_below_threshold", "objectives.surveys_closed"} <= keys


def test_a_survey_counts_its_sheets_and_answers_as_they_arrive_and_again_when_it_closes(tree):
    """What the list shows and the dashboard sums: kept as each sheet arrives (in its
    transaction), and counted from the answers themselves once more when the survey closes."""
    good = _shaoxing(tree)  # 30 sheets, 150 answers, all positive
    five = make_survey(tree.ward1_mr, tree.ward1, scale=Survey.Scale.FIVE)
    urls = services.survey_links_create(acting_user=tree.ward1_mr, survey=five, group=group(five), count=3)
    dims = five.dimensions.count()
    answer(urls[0], five, 3)  # basically satisfied: positive on the five-point scale
    answer(urls[1], five, 4)  # dissatisfied
    answer(urls[2], five, [3, 4, 5, 1, 2][:dims])
    for survey in (good, five):
        survey.refresh_from_db()
    kept = lambda s: (s.responses_count, s.answers_total, s.answers_positive)  # noqa: E731
    assert kept(good) == (30, 150, 150)
    assert kept(five) == (3, 3 * dims, dims + 3)
    assert {pk: tuple(c.values()) for pk, c in selectors.stored_counts([good.pk, five.pk]).items()} == {
        good.pk: kept(good), five.pk: kept(five)}
    with pytest.raises(PublicLinkInvalid):  # a used link: refused, counts nothing
        answer(urls[0], five, 1)
    Survey.objects.filter(pk=five.pk).update(answers_positive=0)  # a count gone wrong (edited by hand…)
    for survey in (good, five):
        services.survey_transition(acting_user=tree.ward1_mr, survey=survey, name="close")
        survey.refresh_from_db()
    assert kept(good) == (30, 150, 150)
    assert kept(five) == (3, 3 * dims, dims + 3)  # counted again from the answers


def test_a_survey_without_answers_keeps_zeros(tree):
    survey = make_survey(tree.ward1_mr, tree.ward1)
    services.survey_transition(acting_user=tree.ward1_mr, survey=survey, name="close")
    survey.refresh_from_db()
    assert (survey.responses_count, survey.answers_total, survey.answers_positive) == (0, 0, 0)


def test_an_annual_report_frozen_with_satisfaction_as_a_rate_of_answers_still_reads_it():
    """A report submitted before the satisfaction rate summed the surveys' frozen answers kept
    [positive answers, 0, answers, 0]: it is read by the rule it was frozen with."""
    from qms_portal import areas
    from qms_portal.steering.report_selectors import _as_frozen

    figure = next(f for _a, f in areas.dashboard_figures() if f.key == "objectives.satisfaction")
    assert figure.weighted and figure.evaluate(2, 90, 2, 100) == 0.9
    old = _as_frozen(figure, {"weighted": False})
    assert not old.weighted and old.evaluate(150, 0, 200, 0) == 0.75 and old.label == figure.label
    assert _as_frozen(figure, {"weighted": True}) is figure
    acknowledged = next(f for _a, f in areas.dashboard_figures() if f.key == "documents.acknowledged")
    assert _as_frozen(acknowledged, {"weighted": True}).evaluate(0, 3, 0, 4) == 0.75  # a numerator figure too


def test_the_migration_counts_every_survey_s_sheets_and_answers(tree):
    """``0006_survey_kept_counts`` counted what only closed surveys kept before: every survey's
    sheets, answers and positive answers (run here on today's models, as it reads them)."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("objectives.migrations.0006_survey_kept_counts")
    good, empty = _shaoxing(tree), make_survey(tree.ward1_mr, tree.ward1)
    Survey.objects.update(responses_count=0, answers_total=0, answers_positive=7)
    migration.count_every_survey(apps, None)
    counts = {pk: rest for pk, *rest in Survey.objects.values_list(
        "pk", "responses_count", "answers_total", "answers_positive")}
    assert counts == {good.pk: [30, 150, 150], empty.pk: [0, 0, 0]}
