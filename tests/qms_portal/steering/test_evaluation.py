"""The evaluation of units, through its services and selectors: drafting (once per unit and year,
in scope, last year's criteria or the default set of the installed figures), its criteria while a
draft (all or nothing), opening (a sheet per active unit evaluated, one message per person), the
scores (0 to the maximum in half points, while in self-assessment and open, in scope), submitting
(every hand-scored criterion scored; the data criteria frozen), return with a reason, signing with
the password and not by the submitter, closing, the ranking's arithmetic (index, shared ranks,
averages, change from last year) and the History tab of the scores."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from qms_portal.history import history_entries
from qms_portal.models import Notification, TransitionRecord
from qms_portal.services import unit_set_active
from qms_portal.steering import evaluation_selectors as sel
from qms_portal.steering.evaluation_models import Evaluation, UnitEvaluation
from qms_portal.steering.evaluation_services import (
    evaluation_create,
    evaluation_transition,
    evaluation_update,
    unit_evaluation_appraise,
    unit_evaluation_score,
    unit_evaluation_transition,
)
from qms_portal.workflow import TransitionError
from tests import factories

YEAR = timezone.localdate().year
# Three criteria scored by hand: 40 points in all.
CRITERIA = [("A", "Chính sách chất lượng", 10), ("B", "Giải quyết hồ sơ đúng hạn", 20), ("C", "Cải tiến", 10)]


@pytest.fixture
def people(tree):
    """The district's steering committee member (creates, opens, appraises and signs) and a
    department head on the district with its wards (scores every ward's sheet)."""
    scorer = factories.make_user(f"{tree.prefix}dist-head", tree.district, full_name="Trần Văn Bình")
    factories.assign(scorer, "department_head", tree.district)
    return {"steering": tree.district_steering, "scorer": scorer, "mr": tree.ward1_mr}


def drafted(tree, unit=None, year=YEAR, user=None, **fields):
    return evaluation_create(acting_user=user or tree.district_steering, unit=unit or tree.district, year=year,
                             title="Đánh giá HTQLCL", **fields)


def rows(criteria=CRITERIA, evaluation=None):
    """The criteria as ``evaluation_update`` takes them (the evaluation's current ones deleted)."""
    gone = [{"id": c.pk, "delete": True} for c in evaluation.criteria.all()] if evaluation else []
    return gone + [{"id": None, "code": code, "title": title, "clause": "", "guidance": "", "points": Decimal(pts),
                    "figure": ""} for code, title, pts in criteria]


def with_criteria(tree, unit=None, year=YEAR, user=None, criteria=CRITERIA, **fields):
    evaluation = drafted(tree, unit=unit, year=year, user=user, **fields)
    return evaluation_update(acting_user=user or tree.district_steering, evaluation=evaluation,
                             criteria=rows(criteria, evaluation))


def opened(tree, unit=None, year=YEAR, user=None, criteria=CRITERIA, **fields):
    """An open evaluation with hand-scored ``criteria``, and its sheets by unit code."""
    evaluation = with_criteria(tree, unit=unit, year=year, user=user, criteria=criteria, **fields)
    evaluation_transition(acting_user=user or tree.district_steering, evaluation=evaluation, name="open")
    return evaluation, {s.unit.code: s for s in UnitEvaluation.objects.filter(evaluation=evaluation)
                        .select_related("unit")}


def score(sheet, by, **points):
    return unit_evaluation_score(acting_user=by, sheet=sheet, scores={code: (v, "") for code, v in points.items()})


def signed(sheet, scorer, signer, self_points, appraisal_points=None):
    """Scored, submitted, appraised and signed."""
    score(sheet, scorer, **self_points)
    unit_evaluation_transition(acting_user=scorer, sheet=sheet, name="submit")
    unit_evaluation_appraise(acting_user=signer, sheet=sheet, scores={
        code: (v, "") for code, v in (appraisal_points or self_points).items()})
    unit_evaluation_transition(acting_user=signer, sheet=sheet, name="sign", password=factories.PASSWORD)
    return UnitEvaluation.objects.get(pk=sheet.pk)


# --- drafting -------------------------------------------------------------------------------------------


def test_an_evaluation_is_drafted_once_per_unit_and_year_with_the_default_criteria(tree):
    evaluation = drafted(tree)
    assert (evaluation.status, evaluation.scope, evaluation.created_by) == ("draft", "children",
                                                                            tree.district_steering)
    criteria = list(evaluation.criteria.all())
    assert [c.code for c in criteria] == [code for code, *_rest in sel.DEFAULT_CRITERIA]
    assert [c.position for c in criteria] == list(range(1, 10))
    assert sel.maximum(criteria) == 100
    installed = sel.rate_figures()
    assert [c.figure for c in criteria] == [f if f in installed else "" for *_rest, f in sel.DEFAULT_CRITERIA]
    assert sum(1 for c in criteria if c.figure) == 5  # every area is installed in the tests
    with pytest.raises(ValidationError) as error:
        drafted(tree)
    assert "year" in error.value.message_dict
    assert Evaluation.objects.filter(unit=tree.district).count() == 1


def test_a_default_criterion_whose_figure_is_not_installed_is_scored_by_hand(tree, monkeypatch):
    installed = {key: figure for key, figure in sel.rate_figures().items() if key != "training.plan_completion"}
    monkeypatch.setattr(sel, "rate_figures", lambda: installed)
    criteria = {c.code: c for c in drafted(tree).criteria.all()}
    assert criteria["3"].figure == "" and criteria["4"].figure == "objectives.on_time_rate"


def test_a_new_evaluation_starts_with_last_years_criteria_of_the_same_unit(tree):
    with_criteria(tree, year=YEAR - 1)
    evaluation = drafted(tree)
    assert [(c.code, c.title, c.points) for c in evaluation.criteria.all()] == [
        (code, title, Decimal(pts)) for code, title, pts in CRITERIA]
    other = drafted(tree, unit=tree.ward1)  # another unit: the default set
    assert other.criteria.count() == len(sel.DEFAULT_CRITERIA)


def test_only_someone_who_may_add_on_an_active_unit_drafts_and_for_a_year_up_to_next_year(tree, people):
    with pytest.raises(PermissionDenied):  # the unit scores its own sheet; it does not organise
        drafted(tree, unit=tree.ward1, user=people["mr"])
    with pytest.raises(PermissionDenied):  # out of the steering member's scope
        drafted(tree, unit=tree.agency)
    with pytest.raises(ValidationError):
        drafted(tree, year=YEAR + 2)
    with pytest.raises(ValidationError):
        drafted(tree, year=1999)
    unit_set_active(acting_user=tree.superuser, unit=tree.ward2, active=False)
    tree.ward2.refresh_from_db()
    with pytest.raises(ValidationError):
        drafted(tree, unit=tree.ward2)
    assert not Evaluation.objects.exists()
    assert drafted(tree, year=YEAR + 1).year == YEAR + 1


# --- its criteria ---------------------------------------------------------------------------------------


def test_the_criteria_are_replaced_reordered_and_saved_with_the_heading(tree):
    evaluation = with_criteria(tree)
    a, b, c = evaluation.criteria.all()
    evaluation_update(acting_user=tree.district_steering, evaluation=evaluation, title="Đánh giá 2",
                      criteria=[{"id": c.pk, "code": "C", "title": c.title, "points": Decimal(15)},
                                {"id": a.pk, "code": "A", "title": a.title, "points": a.points},
                                {"id": b.pk, "delete": True},
                                {"id": None, "code": "D", "title": "Mới", "points": Decimal("2.5"),
                                 "figure": "objectives.on_time_rate"}])
    evaluation.refresh_from_db()
    assert evaluation.title == "Đánh giá 2"
    assert [(x.code, x.position, x.points, x.figure) for x in evaluation.criteria.all()] == [
        ("C", 1, Decimal(15), ""), ("A", 2, Decimal(10), ""), ("D", 3, Decimal("2.5"), "objectives.on_time_rate")]


@pytest.mark.parametrize(("change", "message"), [
    ({"code": "A"}, "used twice"),
    ({"figure": "objectives.no_such_rate"}, "not a figure"),
    ({"points": Decimal("0.2")}, "0.5"),
])
def test_a_wrong_criterion_refuses_the_whole_change(tree, change, message):
    evaluation = with_criteria(tree)
    a, b, c = evaluation.criteria.all()
    before = [(x.pk, x.code, x.title, x.points, x.figure) for x in evaluation.criteria.all()]
    with pytest.raises(ValidationError) as error:
        evaluation_update(acting_user=tree.district_steering, evaluation=evaluation, title="Khác", criteria=[
            {"id": a.pk, "code": "A", "title": "Đổi tên", "points": Decimal(5)},
            {"id": b.pk, "delete": True},
            {"id": c.pk, "code": "C", "title": c.title, "points": c.points, **change}])
    assert message in " ".join(error.value.messages)
    evaluation.refresh_from_db()
    assert evaluation.title == "Đánh giá HTQLCL"
    assert [(x.pk, x.code, x.title, x.points, x.figure) for x in evaluation.criteria.all()] == before


def test_an_evaluation_keeps_at_least_one_criterion(tree):
    evaluation = with_criteria(tree)
    with pytest.raises(ValidationError):
        evaluation_update(acting_user=tree.district_steering, evaluation=evaluation,
                          criteria=[{"id": c.pk, "delete": True} for c in evaluation.criteria.all()])
    assert evaluation.criteria.count() == 3


def test_the_criteria_are_changed_only_while_a_draft_and_by_the_organisers(tree, people):
    evaluation = with_criteria(tree)
    with pytest.raises(PermissionDenied):
        evaluation_update(acting_user=people["mr"], evaluation=evaluation, title="x")
    evaluation_transition(acting_user=tree.district_steering, evaluation=evaluation, name="open")
    with pytest.raises(ValidationError) as error:
        evaluation_update(acting_user=tree.district_steering, evaluation=evaluation, criteria=rows(
            [("Z", "z", 5)], evaluation))
    assert "Only a draft" in " ".join(error.value.messages)
    assert [c.code for c in evaluation.criteria.all()] == ["A", "B", "C"]


# --- opening --------------------------------------------------------------------------------------------


def test_the_scope_gives_a_sheet_to_the_units_directly_below_or_to_every_active_unit_below(tree):
    office = factories.make_unit(tree.ward1, f"{tree.prefix}W1-OF", kind="office")
    closed = factories.make_unit(tree.district, f"{tree.prefix}W9", kind="ward")
    unit_set_active(acting_user=tree.superuser, unit=closed, active=False)
    children, sheets = opened(tree)
    assert sorted(sheets) == sorted([tree.ward1.code, tree.ward2.code])
    subtree, sheets = opened(tree, unit=tree.city, user=tree.superuser, scope=Evaluation.Scope.SUBTREE)
    assert sorted(sheets) == sorted(u.code for u in (tree.district, tree.ward1, tree.ward2, office, tree.agency,
                                                     tree.division))
    assert all(s.status == "self" and s.scores == {} for s in sheets.values())
    assert children.opened_at is not None and Evaluation.objects.get(pk=children.pk).status == "open"


def test_opening_tells_each_person_once_listing_the_sheets_they_score(tree, people):
    evaluation, sheets = opened(tree)
    messages = Notification.objects.filter(kind="evaluation_opened")
    by_person = {n.recipient: n for n in messages}
    assert messages.count() == len(by_person)  # one message per person
    head = by_person[people["scorer"]]  # the department head scores both wards' sheets: one message
    assert head.params["count"] == 2
    assert sorted(o["pk"] for o in head.params["objects"]["$list"]) == sorted(s.pk for s in sheets.values())
    assert head.url == f"{reverse('unitevaluation_list')}?evaluation__year={YEAR}"  # their sheets, not the evaluation
    mr = by_person[people["mr"]]  # ward1's management representative: ward1's sheet only
    assert mr.params["count"] == 1 and [o["pk"] for o in mr.params["objects"]["$list"]] == [
        sheets[tree.ward1.code].pk]
    assert mr.url == sheets[tree.ward1.code].get_absolute_url()
    assert people["steering"] not in by_person and tree.ward1_staff not in by_person


def test_an_evaluation_without_units_below_does_not_open_and_only_organisers_open(tree, people):
    lonely = drafted(tree, unit=tree.ward1)
    with pytest.raises(TransitionError):
        evaluation_transition(acting_user=tree.district_steering, evaluation=lonely, name="open")
    evaluation = with_criteria(tree)
    with pytest.raises(PermissionDenied):
        evaluation_transition(acting_user=people["mr"], evaluation=evaluation, name="open")
    assert not UnitEvaluation.objects.exists()


# --- scoring --------------------------------------------------------------------------------------------


def test_a_score_is_from_zero_to_the_criterions_points_in_half_points(tree, people):
    _evaluation, sheets = opened(tree)
    sheet = sheets[tree.ward1.code]
    unit_evaluation_score(acting_user=people["mr"], sheet=sheet, scores={
        "A": (Decimal("7.5"), "Quyết định 12/QĐ"), "B": (0, ""), "C": (10, "")}, summary="Điểm mạnh")
    sheet.refresh_from_db()
    assert sheet.scores["A"] == {"self": 7.5, "note": "Quyết định 12/QĐ"}
    assert (sheet.self_total, sheet.appraisal_total, sheet.summary) == (Decimal("17.5"), None, "Điểm mạnh")
    for wrong in ({"A": (Decimal("10.5"), "")}, {"B": (-1, "")}, {"C": (Decimal("7.3"), "")},
                  {"Z": (1, "")}):
        with pytest.raises(ValidationError):
            unit_evaluation_score(acting_user=people["mr"], sheet=sheet, scores=wrong)
    with pytest.raises(ValidationError) as error:  # every wrong score said at once, nothing saved
        unit_evaluation_score(acting_user=people["mr"], sheet=sheet, scores={"A": (11, ""), "B": (Decimal("0.2"), "")})
    assert len(error.value.messages) == 2
    sheet.refresh_from_db()
    assert sheet.scores["A"]["self"] == 7.5 and sheet.self_total == Decimal("17.5")
    score(sheet, people["mr"], A=None)  # a score taken back
    sheet.refresh_from_db()
    assert sheet.scores["A"]["self"] is None and sheet.self_total == 10


def test_only_the_units_own_people_score_its_sheet(tree, people):
    _evaluation, sheets = opened(tree)
    with pytest.raises(PermissionDenied):  # ward1's representative, on ward2's sheet
        score(sheets[tree.ward2.code], people["mr"], A=5)
    with pytest.raises(PermissionDenied):  # the steering committee appraises; it does not score
        score(sheets[tree.ward1.code], people["steering"], A=5)
    with pytest.raises(PermissionDenied):
        score(sheets[tree.ward1.code], tree.ward1_staff, A=5)
    assert all(not s.scores for s in UnitEvaluation.objects.all())


def test_a_sheet_is_scored_only_in_self_assessment_while_the_evaluation_is_open(tree, people):
    evaluation, sheets = opened(tree)
    sheet = sheets[tree.ward1.code]
    score(sheet, people["mr"], A=5, B=5, C=5)
    unit_evaluation_transition(acting_user=people["mr"], sheet=sheet, name="submit")
    with pytest.raises(ValidationError):
        score(sheet, people["mr"], A=6)
    other = sheets[tree.ward2.code]
    Evaluation.objects.filter(pk=evaluation.pk).update(status="closed")  # (test only: closed meanwhile)
    with pytest.raises(ValidationError):
        score(other, people["scorer"], A=6)
    with pytest.raises(TransitionError):
        unit_evaluation_transition(acting_user=people["scorer"], sheet=other, name="submit")
    assert UnitEvaluation.objects.get(pk=sheet.pk).scores["A"]["self"] == 5
    assert UnitEvaluation.objects.get(pk=other.pk).scores == {}


def test_only_a_submitted_sheet_is_appraised_and_only_by_the_evaluators(tree, people):
    _evaluation, sheets = opened(tree)
    sheet = sheets[tree.ward1.code]
    with pytest.raises(ValidationError):
        unit_evaluation_appraise(acting_user=people["steering"], sheet=sheet, scores={"A": (5, "")})
    score(sheet, people["mr"], A=5, B=5, C=5)
    unit_evaluation_transition(acting_user=people["mr"], sheet=sheet, name="submit")
    with pytest.raises(PermissionDenied):
        unit_evaluation_appraise(acting_user=people["mr"], sheet=sheet, scores={"A": (10, "")})
    unit_evaluation_appraise(acting_user=people["steering"], sheet=sheet, scores={"A": (4, "Thiếu minh chứng")},
                             conclusion="Đạt")
    sheet.refresh_from_db()
    assert sheet.scores["A"] == {"self": 5.0, "note": "", "appraisal": 4.0, "comment": "Thiếu minh chứng"}
    assert (sheet.self_total, sheet.appraisal_total, sheet.conclusion) == (15, 4, "Đạt")


# --- submitting, the data, returning, signing, closing ------------------------------------------------


def test_a_sheet_is_submitted_once_every_hand_scored_criterion_has_a_score(tree, people):
    _evaluation, sheets = opened(tree)
    sheet = sheets[tree.ward1.code]
    score(sheet, people["mr"], A=5, B=10)
    with pytest.raises(TransitionError) as error:
        unit_evaluation_transition(acting_user=people["mr"], sheet=sheet, name="submit")
    assert "Score every criterion" in " ".join(error.value.messages)
    score(sheet, people["mr"], C=0)  # a zero is a score
    unit_evaluation_transition(acting_user=people["mr"], sheet=sheet, name="submit")
    sheet.refresh_from_db()
    assert (sheet.status, sheet.submitted_by, sheet.self_total) == ("submitted", people["mr"], 15)
    assert sheet.submitted_at is not None
    told = Notification.objects.filter(kind="evaluation_submitted")
    assert people["steering"] in {n.recipient for n in told} and people["mr"] not in {n.recipient for n in told}


def _training_plan(tree, done, planned):
    """ward1's plan for this year: ``planned`` items, ``done`` of them with a session held."""
    from tests.training import plan_factories as f
    from training.services.plan import plan_item_link_sessions

    coordinator = f.coordinator(tree, unit=tree.ward1)
    plan = f.plan(tree.ward1, coordinator)
    items = [f.item(plan, coordinator, title=f"Tập huấn {n}") for n in range(planned)]
    for item in items[:done]:
        held = f.session(tree.ward1, when=date(YEAR, 1, 15), status="held")
        plan_item_link_sessions(acting_user=coordinator, item=item, sessions=[held])
    return coordinator, plan, items


def test_a_criterion_scored_from_the_portals_data_is_frozen_when_the_sheet_is_submitted(tree, people):
    """ward1 did 3 of its 4 planned training items: criterion 3 (10 points, the training plan
    completion) is worth 7.5 points, read live while the unit scores, frozen at submission."""
    from tests.training import plan_factories as f
    from training.services.plan import plan_item_link_sessions

    coordinator, _plan, items = _training_plan(tree, done=3, planned=4)
    evaluation = drafted(tree)
    evaluation_transition(acting_user=tree.district_steering, evaluation=evaluation, name="open")
    sheet = UnitEvaluation.objects.get(evaluation=evaluation, unit=tree.ward1)
    criteria = list(evaluation.criteria.all())
    live = sel.data_rates(people["mr"], evaluation, [tree.ward1], criteria)[tree.ward1.pk]
    assert live["3"] == 0.75 and live["2"] is None  # no documents to acknowledge: scored by hand
    line = {x.criterion.code: x for x in sel.lines(sheet, criteria, live)}["3"]
    assert (line.rate, line.from_data, line.self_score) == (0.75, True, Decimal("7.5"))
    hand = [c for c in criteria if c.code != "3"]
    score(sheet, people["mr"], **{c.code: c.points - 1 for c in hand})  # 3 is not typed: it has its data
    unit_evaluation_transition(acting_user=people["mr"], sheet=sheet, name="submit")
    sheet.refresh_from_db()
    assert sheet.scores["3"] == {"data": 0.75, "self": 7.5, "appraisal": 7.5}
    assert sheet.self_total == Decimal(90 - 8 + Decimal("7.5"))  # 8 hand criteria, one point short each
    # The unit does the fourth item afterwards: the submitted sheet keeps what it was scored from.
    plan_item_link_sessions(acting_user=coordinator, item=items[3],
                            sessions=[f.session(tree.ward1, when=date(YEAR, 2, 1), status="held")])
    assert sel.data_rates(people["mr"], evaluation, [tree.ward1], criteria)[tree.ward1.pk]["3"] == 1
    line = {x.criterion.code: x for x in sel.lines(UnitEvaluation.objects.get(pk=sheet.pk), criteria)}["3"]
    assert (line.rate, line.self_score, line.appraisal) == (0.75, Decimal("7.5"), Decimal("7.5"))
    # The evaluators cannot type over a score from the data.
    unit_evaluation_appraise(acting_user=people["steering"], sheet=sheet, scores={"3": (1, "x")})
    assert UnitEvaluation.objects.get(pk=sheet.pk).scores["3"]["appraisal"] == 7.5


def test_returning_needs_a_reason_and_reads_the_data_live_again(tree, people, monkeypatch):
    monkeypatch.setattr(sel, "data_rates", lambda user, evaluation, units, criteria: {
        unit.pk: {"A": 0.5} for unit in units})
    evaluation = with_criteria(tree, criteria=[("A", "Đúng hạn", 20), ("B", "Cải tiến", 10)])
    evaluation_update(acting_user=tree.district_steering, evaluation=evaluation, criteria=[
        {"id": c.pk, "code": c.code, "title": c.title, "points": c.points,
         "figure": "objectives.on_time_rate" if c.code == "A" else ""} for c in evaluation.criteria.all()])
    evaluation_transition(acting_user=tree.district_steering, evaluation=evaluation, name="open")
    sheet = UnitEvaluation.objects.get(evaluation=evaluation, unit=tree.ward1)
    score(sheet, people["mr"], B=8)
    unit_evaluation_transition(acting_user=people["mr"], sheet=sheet, name="submit")
    assert UnitEvaluation.objects.get(pk=sheet.pk).scores["A"] == {"data": 0.5, "self": 10.0, "appraisal": 10.0}
    with pytest.raises(ValidationError):  # a reason is required
        unit_evaluation_transition(acting_user=people["steering"], sheet=sheet, name="return")
    with pytest.raises(PermissionDenied):  # the unit does not return its own sheet
        unit_evaluation_transition(acting_user=people["mr"], sheet=sheet, name="return", reason="x")
    unit_evaluation_transition(acting_user=people["steering"], sheet=sheet, name="return",
                               reason="Bổ sung minh chứng tiêu chí B")
    sheet.refresh_from_db()
    assert sheet.status == "self" and sheet.submitted_at is None
    assert sheet.scores == {"A": {}, "B": {"self": 8.0, "note": ""}}
    assert (sheet.self_total, sheet.appraisal_total) == (8, None)
    record = TransitionRecord.objects.get(object_id=sheet.pk, transition="return")
    assert record.reason == "Bổ sung minh chứng tiêu chí B"
    assert Notification.objects.filter(kind="evaluation_returned", recipient=people["mr"]).count() == 1


def test_signing_needs_every_appraisal_the_password_and_someone_other_than_the_submitter(tree, people):
    _evaluation, sheets = opened(tree)
    sheet = sheets[tree.ward1.code]
    # ward1's representative, also on ward1's steering committee, still may not sign what they submitted
    factories.assign(people["mr"], "steering_committee", tree.ward1)
    score(sheet, people["mr"], A=5, B=15, C=5)
    unit_evaluation_transition(acting_user=people["mr"], sheet=sheet, name="submit")
    unit_evaluation_appraise(acting_user=people["steering"], sheet=sheet, scores={"A": (5, ""), "B": (12, "")})
    with pytest.raises(TransitionError) as error:
        unit_evaluation_transition(acting_user=people["steering"], sheet=sheet, name="sign",
                                   password=factories.PASSWORD)
    assert "every criterion" in " ".join(error.value.messages)
    unit_evaluation_appraise(acting_user=people["steering"], sheet=sheet, scores={"C": (5, "")})
    with pytest.raises(TransitionError):
        unit_evaluation_transition(acting_user=people["mr"], sheet=sheet, name="sign", password=factories.PASSWORD)
    with pytest.raises(ValidationError):
        unit_evaluation_transition(acting_user=people["steering"], sheet=sheet, name="sign", password="wrong")
    assert UnitEvaluation.objects.get(pk=sheet.pk).status == "submitted"
    unit_evaluation_transition(acting_user=people["steering"], sheet=sheet, name="sign", password=factories.PASSWORD)
    sheet.refresh_from_db()
    assert (sheet.status, sheet.appraisal_total) == ("signed", 22) and sheet.signed_at is not None
    record = TransitionRecord.objects.get(object_id=sheet.pk, transition="sign")
    assert (record.signature_meaning, record.actor) == ("evaluation_signed", people["steering"])
    assert Notification.objects.filter(kind="evaluation_signed", recipient=people["mr"]).exists()
    with pytest.raises(ValidationError):  # signed: the unit's scores are final
        score(sheet, people["mr"], A=1)


def test_the_evaluation_closes_once_every_sheet_is_signed(tree, people):
    evaluation, sheets = opened(tree)
    signed(sheets[tree.ward1.code], people["mr"], people["steering"], {"A": 5, "B": 5, "C": 5})
    with pytest.raises(TransitionError) as error:
        evaluation_transition(acting_user=people["steering"], evaluation=evaluation, name="close")
    assert "signed" in " ".join(error.value.messages)
    signed(sheets[tree.ward2.code], people["scorer"], people["steering"], {"A": 5, "B": 5, "C": 5})
    evaluation_transition(acting_user=people["steering"], evaluation=evaluation, name="close")
    evaluation.refresh_from_db()
    assert evaluation.status == "closed" and evaluation.closed_at is not None


# --- the ranking ----------------------------------------------------------------------------------------


def test_ranks_are_shared_by_equal_values_and_the_next_rank_is_skipped():
    assert sel.competition_ranks([Decimal(75), Decimal(90), Decimal(50), Decimal(75)]) == [2, 1, 4, 2]
    assert sel.competition_ranks([Decimal(60)] * 3) == [1, 1, 1]
    assert sel.competition_ranks([]) == []


def test_the_index_is_100_times_the_total_over_the_maximum():
    assert sel.index(Decimal("36"), Decimal("40")) == Decimal("90.0")
    assert sel.index(Decimal("17.5"), Decimal("30")) == Decimal("58.3")  # rounded to one decimal
    assert sel.index(None, Decimal("40")) is None and sel.index(Decimal(3), Decimal(0)) is None


@pytest.fixture
def four_wards(tree, people):
    """The district's four wards (two more than the tree's) in an open evaluation."""
    for n in (3, 4, 5):
        factories.make_unit(tree.district, f"{tree.prefix}W{n}", kind="ward", name=f"Ward {n}")
    return opened(tree)


def test_the_ranking_orders_the_signed_sheets_by_index_with_ties_and_leaves_the_others_unranked(
        tree, people, four_wards):
    evaluation, sheets = four_wards
    p, scorer, steering = tree.prefix, people["scorer"], people["steering"]
    # appraisal totals 36, 30, 30, 20 of 40 → indexes 90, 75, 75, 50 → ranks 1, 2, 2, 4
    signed(sheets[f"{p}W2"], scorer, steering, {"A": 10, "B": 18, "C": 8})
    signed(sheets[f"{p}W1"], scorer, steering, {"A": 10, "B": 20, "C": 10}, {"A": 8, "B": 15, "C": 7})
    signed(sheets[f"{p}W4"], scorer, steering, {"A": 9, "B": 15, "C": 6})
    signed(sheets[f"{p}W3"], scorer, steering, {"A": 5, "B": 10, "C": 5})
    score(sheets[f"{p}W5"], scorer, A=10, B=20, C=10)  # a perfect self-assessment, not yet appraised
    unit_evaluation_transition(acting_user=scorer, sheet=sheets[f"{p}W5"], name="submit")
    ranking = sel.ranking(evaluation, steering)
    assert ranking.top == 40 and ranking.signed == 4
    got = {row.unit.code: (row.rank, row.index, row.self_index) for row in ranking.rows}
    assert got == {
        f"{p}W2": (1, Decimal("90.0"), Decimal("90.0")),
        f"{p}W1": (2, Decimal("75.0"), Decimal("100.0")),  # ranked by the appraisal, not its own scores
        f"{p}W4": (2, Decimal("75.0"), Decimal("75.0")),
        f"{p}W3": (4, Decimal("50.0"), Decimal("50.0")),
        f"{p}W5": (None, None, Decimal("100.0")),
    }
    # in rank order (equal ranks in the tree's order), the unranked last
    tied = sorted([sheets[f"{p}W1"].unit, sheets[f"{p}W4"].unit], key=lambda unit: unit.path)
    assert [row.unit for row in ranking.rows] == [sheets[f"{p}W2"].unit, *tied, sheets[f"{p}W3"].unit,
                                                  sheets[f"{p}W5"].unit]
    assert {row.unit.code: row.per_criterion for row in ranking.rows}[f"{p}W1"] == [8, 15, 7]
    assert ranking.rows[-1].per_criterion == [10, 20, 10]  # the self-assessment while not appraised
    # the averages count the signed sheets only: A (10+8+9+5)/4 = 8, B 58/4 = 14.5, C 26/4 = 6.5
    assert ranking.averages == [Decimal("8.0"), Decimal("14.5"), Decimal("6.5")]
    assert ranking.previous is None and all(row.change is None for row in ranking.rows)


def test_the_ranking_shows_each_reader_only_the_sheets_they_see(tree, people, four_wards):
    evaluation, sheets = four_wards
    signed(sheets[tree.ward1.code], people["mr"], people["steering"], {"A": 5, "B": 5, "C": 5})
    signed(sheets[tree.ward2.code], people["scorer"], people["steering"], {"A": 9, "B": 9, "C": 9})
    ranking = sel.ranking(evaluation, people["mr"])
    assert [(row.unit, row.rank) for row in ranking.rows] == [(tree.ward1, 1)]  # ranked among what they see
    assert len(sel.ranking(evaluation, people["steering"]).rows) == 5


def test_the_change_is_against_the_same_units_index_last_year_in_the_same_organisers_evaluation(tree, people):
    steering, scorer, mr = people["steering"], people["scorer"], people["mr"]
    before, sheets = opened(tree, year=YEAR - 1)
    signed(sheets[tree.ward1.code], mr, steering, {"A": 8, "B": 16, "C": 8})  # 32 / 40 = 80.0, rank 1
    signed(sheets[tree.ward2.code], scorer, steering, {"A": 5, "B": 10, "C": 5})  # 50.0, rank 2
    # the city's evaluation of every unit last year scored ward2 too: not the one compared with
    _city, city_sheets = opened(tree, unit=tree.city, year=YEAR - 1, user=tree.superuser,
                                scope=Evaluation.Scope.SUBTREE)
    signed(city_sheets[tree.ward2.code], scorer, tree.superuser, {"A": 10, "B": 20, "C": 10})
    evaluation, sheets = opened(tree)
    signed(sheets[tree.ward1.code], mr, steering, {"A": 7, "B": 14, "C": 7})  # 70.0
    signed(sheets[tree.ward2.code], scorer, steering, {"A": 8, "B": 16, "C": 7})  # 77.5
    ranking = sel.ranking(evaluation, steering)
    assert ranking.previous == before
    got = {row.unit: (row.rank, row.index, row.previous_rank, row.previous_index, row.change) for row in ranking.rows}
    assert got[tree.ward2] == (1, Decimal("77.5"), 2, Decimal("50.0"), Decimal("27.5"))
    assert got[tree.ward1] == (2, Decimal("70.0"), 1, Decimal("80.0"), Decimal("-10.0"))


def test_a_unit_new_this_year_or_unsigned_last_year_shows_no_change(tree, people):
    _before, sheets = opened(tree, year=YEAR - 1)  # ward1's sheet of last year was never signed
    score(sheets[tree.ward1.code], people["mr"], A=8, B=16, C=8)
    new = factories.make_unit(tree.district, f"{tree.prefix}W3", kind="ward")
    evaluation, sheets = opened(tree)
    signed(sheets[tree.ward1.code], people["mr"], people["steering"], {"A": 7, "B": 14, "C": 7})
    signed(sheets[new.code], people["scorer"], people["steering"], {"A": 7, "B": 14, "C": 7})
    rows_ = {row.unit: row for row in sel.ranking(evaluation, people["steering"]).rows}
    assert rows_[tree.ward1].previous_index is None and rows_[tree.ward1].change is None
    assert rows_[new].previous_index is None and rows_[new].change is None


# --- the History tab ------------------------------------------------------------------------------------


def test_the_history_tab_shows_only_the_criteria_whose_scores_changed(tree, people):
    _evaluation, sheets = opened(tree)
    sheet = sheets[tree.ward1.code]
    unit_evaluation_score(acting_user=people["mr"], sheet=sheet, scores={"A": (5, "Quyết định 12"), "B": (10, "")})
    unit_evaluation_score(acting_user=people["mr"], sheet=sheet, scores={"A": (5, "Quyết định 12"), "B": (12, ""),
                                                                         "C": (3, "Sáng kiến")})
    latest = history_entries(UnitEvaluation.objects.get(pk=sheet.pk))[0]
    change = next(c for c in latest["changes"] if c["field"] == "scores")
    assert change["old"] == "B: self-assessment 10.0"
    assert change["new"] == "B: self-assessment 12.0; C: self-assessment 3.0, evidence: Sáng kiến"
    assert "Quyết định 12" not in change["new"]
