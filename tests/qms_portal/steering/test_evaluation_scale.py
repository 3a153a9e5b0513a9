"""The evaluation of units at scale: the ranking page makes as many queries for a dozen units as for
two (with last year's ranks beside them), and ``seed_scale``'s evaluations (built in bulk) are what
the services would have left: a sheet per unit, the totals the services' arithmetic gives, a
history row and the engine's records for every signed sheet, last year closed."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qms_portal.bench.runner import evaluation_pages
from qms_portal.models import TransitionRecord
from qms_portal.steering import evaluation_selectors as sel
from qms_portal.steering.evaluation_models import Evaluation, UnitEvaluation
from qms_portal.steering.evaluation_services import (
    evaluation_create,
    evaluation_transition,
    unit_evaluation_appraise,
    unit_evaluation_score,
    unit_evaluation_transition,
)
from tests import factories

YEAR = timezone.localdate().year


def _evaluated(tree, unit, scorer, signer, year, less):
    evaluation = evaluation_create(acting_user=signer, unit=unit, year=year, title=f"Xếp hạng {year}")
    evaluation_transition(acting_user=signer, evaluation=evaluation, name="open")
    criteria = list(evaluation.criteria.all())
    for n, sheet in enumerate(UnitEvaluation.objects.filter(evaluation=evaluation).order_by("unit__code")):
        unit_evaluation_score(acting_user=scorer, sheet=sheet,
                              scores={c.code: (max(c.points - (n + less) % 4, 0), "") for c in criteria})
        unit_evaluation_transition(acting_user=scorer, sheet=sheet, name="submit")
        unit_evaluation_appraise(acting_user=signer, sheet=sheet, scores={c.code: (max(c.points - n % 3, 0), "")
                                                                          for c in criteria})
        unit_evaluation_transition(acting_user=signer, sheet=sheet, name="sign", password=tree.password)
    return evaluation


def _district(tree, unit, wards, scorer):
    for n in range(wards):
        factories.make_unit(unit, f"{unit.code}-X{n:02d}", kind="ward")
    _evaluated(tree, unit, scorer, tree.admin, YEAR - 1, 1)
    return _evaluated(tree, unit, scorer, tree.admin, YEAR, 0)


def _queries(client, evaluation):
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("evaluation_ranking", args=[evaluation.pk]))
    assert response.status_code == 200
    return len(captured), response.context["ranking"]


@pytest.mark.django_db
def test_the_ranking_page_makes_as_many_queries_for_a_dozen_units_as_for_two(tree):
    scorer = factories.make_user(f"{tree.prefix}city-mr", tree.city)
    factories.assign(scorer, "management_representative", tree.city)
    small = _district(tree, tree.district, 0, scorer)  # its two wards
    other = factories.make_unit(tree.city, f"{tree.prefix}D2", kind="district")
    large = _district(tree, other, 12, scorer)
    client = Client()
    client.force_login(tree.admin)
    _queries(client, small)  # warm the process's caches (permission names, content types)
    few, ranking = _queries(client, small)
    assert len(ranking.rows) == 2 and all(row.previous_rank for row in ranking.rows)
    many, ranking = _queries(client, large)
    assert len(ranking.rows) == 12 and all(row.rank and row.previous_rank for row in ranking.rows)
    assert many == few


def test_seed_scale_evaluates_every_unit_below_the_root_last_year_and_this_year(world):
    root, steering = world["root"], world["steering"]
    before, now = (Evaluation.objects.get(unit=root, year=year) for year in (YEAR - 1, YEAR))
    assert (before.status, now.status, before.scope) == ("closed", "open", "subtree")
    units = set(sel.units_evaluated(before).values_list("pk", flat=True))
    for evaluation in (before, now):
        assert set(UnitEvaluation.objects.filter(evaluation=evaluation).values_list("unit_id", flat=True)) == units
    assert set(UnitEvaluation.objects.filter(evaluation=before).values_list("status", flat=True)) == {"signed"}
    statuses = list(UnitEvaluation.objects.filter(evaluation=now).values_list("status", flat=True))
    assert statuses.count("signed") > len(statuses) / 2 and "self" in statuses
    content_type = ContentType.objects.get_for_model(UnitEvaluation)
    for evaluation in (before, now):
        criteria = list(evaluation.criteria.all())
        for sheet in UnitEvaluation.objects.filter(evaluation=evaluation).exclude(status="self"):
            # the services' arithmetic, half points, within each criterion's maximum
            assert sheet.self_total == sel.total(sheet.scores, criteria, "self")
            assert sheet.appraisal_total == sel.total(sheet.scores, criteria, "appraisal")
            for criterion in criteria:
                given = sheet.scores[criterion.code]
                assert 0 <= given["self"] <= criterion.points
                if given.get("data") is None:
                    assert given["self"] * 2 == int(given["self"] * 2)
                else:
                    assert given["self"] == float(sel.from_rate(criterion, given["data"]))
            assert sheet.submitted_by_id and sheet.submitted_by_id != steering.pk
            assert sheet.history.count() >= 2  # opened (the engine), then scored in bulk
            records = TransitionRecord.objects.filter(content_type=content_type, object_id=sheet.pk)
            expected = {"submit", "sign"} if sheet.status == "signed" else {"submit"}
            assert set(records.values_list("transition", flat=True)) == expected
    ranking = sel.ranking(now, steering)
    ranked = [row for row in ranking.rows if row.rank]
    assert ranked and all(row.previous_rank and row.change is not None for row in ranked)
    # The bench's pages for the evaluation: the list, this ranking and a signed sheet.
    pages = dict(evaluation_pages(steering))
    assert pages["evaluation ranking"] == reverse("evaluation_ranking", args=[now.pk])
    assert UnitEvaluation.objects.get(pk=pages["evaluation sheet"].rstrip("/").rsplit("/", 1)[1]).status == "signed"
