"""The documents area's figures on the steering committee's dashboard: the acknowledgement coverage
of the effective documents counts their current revisions' acknowledgements only, on the document's
unit, and a department's rate is its units' acknowledgements over the sum asked."""

import pytest
from django.utils import timezone

from documents.models import Acknowledgement
from qms_portal.periods import Period
from qms_portal.steering import selectors
from tests.documents.factories import doc_setup, effective_document, next_revision

pytestmark = pytest.mark.django_db


def coverage(board, figure_key="documents.acknowledged"):
    """Per unit: (acknowledgements given, asked, the rate) — a rate of quantities summed over the
    effective documents (each its current revision's acknowledgements)."""
    index = [figure.key for figure in board.figures].index(figure_key)
    return {row.unit.code: (row.cells[index].total, row.cells[index].denominator_total, row.cells[index].value)
            for row in board.rows}


def test_acknowledgement_coverage_counts_the_current_revisions_on_the_documents_unit():
    s = doc_setup()
    procedure = effective_document(s, title="Quy trình tiếp công dân")
    on_office = effective_document(s, title="Hướng dẫn một cửa", unit=s.office)
    older = procedure.current_revision
    current = next_revision(s, procedure)
    Acknowledgement.objects.all().delete()  # only the rows below
    now = timezone.now()

    def ask(revision, person, done):
        Acknowledgement.objects.create(revision=revision, user=person, unit=person.primary_unit,
                                       acknowledged_at=now if done else None)

    ask(older, s.staff, True)  # a superseded revision's: not counted
    ask(current, s.staff, True)
    ask(current, s.reviewer1, True)
    ask(current, s.nobody, False)
    ask(on_office.current_revision, s.staff, False)
    ask(on_office.current_revision, s.reviewer2, False)

    board = selectors.dashboard(s.mr, s.dept, Period.of("year"), with_trends=False)
    found = coverage(board)
    # the department: its own 2 of 3 and its office's 0 of 2 → 2 of 5 (not the average of 67 % and 0 %)
    assert found[s.dept.code] == (2, 5, pytest.approx(0.4))
    assert found[s.office.code] == (0, 2, 0.0)
    cells = {row.unit.code: row.cells[[f.key for f in board.figures].index("documents.acknowledged")]
             for row in board.rows}
    assert cells[s.dept.code].detail == "2 / 5" and cells[s.dept.code].linked == 2
    assert cells[s.office.code].url == ""  # nothing acknowledged: no link
    figure = board.figures[[f.key for f in board.figures].index("documents.acknowledged")]
    assert figure.light(0.4) == "red" and figure.light(0.95) == "green" and figure.light(0.8) == "amber"


def test_a_unit_whose_documents_asked_nothing_has_no_rate():
    s = doc_setup()
    effective_document(s)
    Acknowledgement.objects.all().delete()
    found = coverage(selectors.dashboard(s.mr, s.dept, Period.of("year"), with_trends=False))
    assert found[s.dept.code] == (0, 0, None)
