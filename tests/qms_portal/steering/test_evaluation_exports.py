"""The evaluation's ranking as XLSX and PDF background jobs: the rows, numbers and averages are the
ranking selector's, the criteria's legend and each unit's signature follow, the file is in the
reader's language, the signatures are read in one query, and someone who may not see the
evaluation gets no file."""

import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from qms_portal.jobs import job_run, job_start
from qms_portal.models import Job
from qms_portal.steering import evaluation_exports, evaluation_selectors
from qms_portal.steering.evaluation_models import Evaluation, UnitEvaluation
from qms_portal.steering.evaluation_services import (
    evaluation_create,
    evaluation_transition,
    unit_evaluation_appraise,
    unit_evaluation_score,
    unit_evaluation_transition,
)
from tests import factories

THIS_YEAR = timezone.localdate().year


@pytest.fixture
def people(tree):
    mr = factories.make_user(f"{tree.prefix}dist-mr", tree.district, full_name="Nguyễn Thị Thanh")
    factories.assign(mr, "management_representative", tree.district)
    return {"mr": mr, "steering": tree.district_steering}


def _signed(tree, people, sheet, self_less, appraisal_less):
    criteria = list(sheet.evaluation.criteria.all())
    unit_evaluation_score(acting_user=people["mr"], sheet=sheet,
                          scores={c.code: (max(c.points - Decimal(str(self_less)), 0), "Biên bản họp")
                                  for c in criteria})
    unit_evaluation_transition(acting_user=people["mr"], sheet=sheet, name="submit")
    unit_evaluation_appraise(acting_user=people["steering"], sheet=sheet,
                             scores={c.code: (max(c.points - Decimal(str(appraisal_less)), 0), "") for c in criteria})
    unit_evaluation_transition(acting_user=people["steering"], sheet=sheet, name="sign", password=tree.password)


def evaluation(tree, people, year, signed):
    """An open evaluation of the district's wards for ``year``; ``signed``: {ward: (self less, appraisal less)}."""
    made = evaluation_create(acting_user=people["steering"], unit=tree.district, year=year,
                             title=f"Đánh giá xếp hạng {year}")
    evaluation_transition(acting_user=people["steering"], evaluation=made, name="open")
    for ward, (self_less, appraisal_less) in signed.items():
        _signed(tree, people, UnitEvaluation.objects.get(evaluation=made, unit=ward), self_less, appraisal_less)
    return Evaluation.objects.select_related("unit").get(pk=made.pk)


@pytest.fixture
def ranked(tree, people):
    before = evaluation(tree, people, THIS_YEAR - 1, {tree.ward1: (1, 2), tree.ward2: (0, 1)})
    evaluation_transition(acting_user=people["steering"], evaluation=before, name="close")
    return evaluation(tree, people, THIS_YEAR, {tree.ward1: (0, 0.5)})  # ward2 still in self-assessment


def _run(user, kind, made, language="en"):
    with translation.override(language):
        job = job_start(acting_user=user, kind=kind, params={"evaluation": made.pk}, queue=False)
    assert job_run(job_id=job.pk, attempt=job.attempts), Job.objects.get(pk=job.pk).error
    job.refresh_from_db()
    with job.file.open("rb") as handle:
        return job, handle.read()


def _cells(data):
    from openpyxl import load_workbook

    return [list(row) for row in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)]


def _whole(value):
    return int(value) if value == int(value) else float(value)


def _number(value):
    return None if value is None else float(value)


def test_the_xlsx_rows_and_numbers_are_the_rankings(tree, people, ranked):
    job, data = _run(people["steering"], evaluation_exports.XLSX, ranked)
    assert job.filename == f"evaluation-{tree.district.code}-{THIS_YEAR}.xlsx"
    rows = _cells(data)
    assert ranked.title in rows[0][0] and str(THIS_YEAR) in rows[0][0] and "Open" in rows[0][0]
    ranking = evaluation_selectors.ranking(ranked, people["steering"])
    header = rows.index(next(r for r in rows if r[0] == "Rank"))
    assert rows[header][8:8 + len(ranking.criteria)] == [f"{c.code} / {int(c.points)}" for c in ranking.criteria]
    body = rows[header + 1: header + 1 + len(ranking.rows)]
    assert [r[1] for r in body] == [row.unit.code for row in ranking.rows] == [tree.ward1.code, tree.ward2.code]
    for cells, row in zip(body, ranking.rows, strict=True):
        assert cells[0] == row.rank
        assert [_number(v) for v in cells[4:7]] == [_number(row.index), _number(row.self_index), _number(row.change)]
        assert cells[7] == row.previous_rank
        assert [_number(v) for v in cells[8:8 + len(ranking.criteria)]] == [_number(v) for v in row.per_criterion]
    first = body[0]
    assert first[0] == 1 and isinstance(first[4], int | float) and first[7] == 2  # ward1 was second last year
    assert first[6] == pytest.approx(float(ranking.rows[0].index - ranking.rows[0].previous_index))
    assert body[1][0] is None and body[1][3] == "Self-assessment" and body[1][4] is None
    averages = rows[header + 1 + len(ranking.rows)]
    assert averages[2] == "Average of the ranked units"
    assert [_number(v) for v in averages[8:8 + len(ranking.criteria)]] == [_number(v) for v in ranking.averages]
    # The legend of the criteria, then the signature of the one signed sheet.
    legend = next(n for n, r in enumerate(rows) if r[0] == "Criteria")
    assert rows[legend + 1][:5] == ["Code", "Criterion", "ISO 9001 clause", "Maximum points", "How it is scored"]
    for cells, criterion in zip(rows[legend + 2:], ranking.criteria, strict=False):
        assert cells[:4] == [criterion.code, criterion.title, criterion.clause, _whole(criterion.points)]
        assert cells[4] == evaluation_exports.scored_how(criterion)
    signature = next(r for r in rows if r[2] == "Appraisal signed")
    assert signature[:2] == [tree.ward1.code, tree.ward1.name] and signature[3] == people["steering"].full_name


def test_the_xlsx_is_in_the_readers_language(tree, people, ranked):
    _job, data = _run(people["steering"], evaluation_exports.XLSX, ranked, language="vi")
    flat = [str(c) for r in _cells(data) for c in r if c is not None]
    with translation.override("vi"):
        expected = [str(UnitEvaluation.Status.SELF.label), translation.gettext("Rank"),
                    str(Evaluation.Status.OPEN.label)]
    assert expected[0] != "Self-assessment"  # the catalogue has it
    assert expected[0] in flat and expected[1] in flat and any(expected[2] in c for c in flat)


def test_the_signatures_of_every_sheet_are_read_in_one_query(tree, people, ranked):
    before = Evaluation.objects.get(unit=tree.district, year=THIS_YEAR - 1)
    ranking = evaluation_selectors.ranking(before, people["steering"])
    with CaptureQueriesContext(connection) as captured:
        signed = evaluation_exports.signatures(ranking)
    assert len(captured) <= 2  # the records (and at most the content type, once per process)
    assert sorted(unit.code for unit, *_rest in signed) == sorted([tree.ward1.code, tree.ward2.code])
    assert {name for _unit, _meaning, name, _at in signed} == {people["steering"].full_name}


def test_the_pdf_holds_the_ranking_the_legend_and_the_signatures(tree, people, ranked):
    pytest.importorskip("fpdf")
    try:
        job, data = _run(people["steering"], evaluation_exports.PDF, ranked, language="vi")
    except AssertionError as error:  # no fonts on this machine
        if "PDF" in str(error):
            pytest.skip(str(error))
        raise
    assert data.startswith(b"%PDF") and job.filename.endswith(".pdf")
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext is not installed")
    text = " ".join(subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True,
                                   check=True).stdout.decode().split())
    assert ranked.title in text and tree.ward1.code in text and tree.ward2.code in text
    assert people["steering"].full_name in text  # the signature
    criterion = ranked.criteria.first()
    assert criterion.title.split()[0] in text


def test_someone_who_may_not_see_the_evaluation_gets_no_file(tree, people, ranked):
    with translation.override("en"):  # the ward's representative may view evaluations, not the district's
        job = job_start(acting_user=tree.ward1_mr, kind=evaluation_exports.XLSX, params={"evaluation": ranked.pk},
                        queue=False)
    assert not job_run(job_id=job.pk, attempt=job.attempts)
    assert "no longer" in Job.objects.get(pk=job.pk).error
    assert evaluation_exports.describe({"evaluation": ranked.pk}, tree.ward1_mr) == []
    assert evaluation_exports.describe({"evaluation": ranked.pk}, people["steering"]) == [("Evaluation", str(ranked))]
