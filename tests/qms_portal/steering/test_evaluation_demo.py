"""The demo's evaluation of units (``seed_demo``): the district's last year closed with every sheet
signed, this year's open with sheets signed, waiting and in self-assessment, a ranking with the
change from last year; built through the services (history and signatures), idempotent."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from qms_portal.models import TransitionRecord
from qms_portal.steering import evaluation_selectors
from qms_portal.steering.evaluation_demo import seed_evaluations
from qms_portal.steering.evaluation_models import Evaluation, UnitEvaluation

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def test_seed_demo_builds_last_years_evaluation_closed_and_this_years_open_with_a_ranking():
    out = io.StringIO()
    call_command("seed_demo", "--language", "vi", stdout=out)
    assert "Evaluations of units: 2 created" in out.getvalue()
    before, now = (Evaluation.objects.select_related("unit").get(unit__code="DIST", year=year)
                   for year in (YEAR - 1, YEAR))
    assert (before.status, now.status) == ("closed", "open")
    assert before.title.startswith("Đánh giá, xếp hạng")
    assert before.closed_at.year == YEAR - 1 and before.opened_at.year == YEAR - 1
    sheets = UnitEvaluation.objects.filter(evaluation=before)
    assert sheets.count() == 30 and set(sheets.values_list("status", flat=True)) == {"signed"}
    statuses = list(UnitEvaluation.objects.filter(evaluation=now).values_list("status", flat=True))
    assert len(statuses) == 30 and {"signed", "submitted", "self"} == set(statuses)
    # Signed by the steering committee, never by who submitted; the submitter may score the unit.
    for sheet in UnitEvaluation.objects.filter(status="signed").select_related("submitted_by"):
        record = TransitionRecord.objects.get(object_id=sheet.pk, transition="sign",
                                              content_type__model="unitevaluation")
        assert record.actor.username == "steering" and sheet.submitted_by != record.actor
        assert sheet.submitted_by.has_perm(evaluation_selectors.SHEET_CHANGE, sheet)
        assert sheet.history.count() >= 4  # opened, scored, submitted, appraised, signed
    # Half points, varied.
    values = [given["appraisal"] for sheet in sheets for given in sheet.scores.values()]
    assert all(value * 2 == int(value * 2) for value in values) and len(set(values)) > 5
    steering = before.created_by
    ranking = evaluation_selectors.ranking(now, steering)
    ranked = [row for row in ranking.rows if row.rank is not None]
    assert ranked and all(row.previous_rank is not None and row.change is not None for row in ranked)
    assert len({row.index for row in ranked}) > 3
    assert seed_evaluations(language="vi") == 0  # a second run makes nothing
