"""Training on a revision (``training/selectors/matrix.py``): the approver marks it "needs training";
each person it is distributed to then has a training requirement that only a PRESENT attendance at a
session (not cancelled) of a course on that very revision fulfils; it shows among their gaps, and
the document's page shows the coverage per unit beside the acknowledgement coverage."""

import pytest
from django.test import Client

from documents.models import Revision
from tests import factories
from tests.documents.factories import doc_setup
from tests.training import matrix_factories as mf
from training.models import Participant, Session
from training.selectors import matrix as selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    s = doc_setup()
    s.revision = mf.revision_needing_training(s, title="Quy trình tiếp nhận hồ sơ")
    s.course = mf.course(s.revision)
    return s


def trained(s, user):
    return {r.revision_id: r.trained for r in selectors.revision_trainings([user.pk]).get(user.pk, [])}


def test_the_approver_marks_the_revision_and_its_page_says_so(s):
    assert s.revision.needs_training is True
    client = Client()
    client.force_login(s.author)
    page = client.get(s.revision.get_absolute_url()).content.decode()
    assert "Yes: the people it is distributed to attend a training session on it" in page


def test_approval_without_the_mark_needs_no_training(s):
    other = mf.revision_needing_training(s, needs_training=False, title="Quy trình khác")
    assert other.needs_training is False
    assert other.pk not in trained(s, s.staff)


def test_the_approval_form_offers_the_checkbox(s):
    from tests.documents import factories as docs

    document = docs.new_document(s, title="Quy trình thứ ba")
    revision = docs.save_draft(s, docs.draft_of(document))
    docs.accept_all(s, revision, docs.submit(s, revision))
    client = Client()
    client.force_login(s.approver)
    url = f"/documents/revisions/{revision.pk}/approve/"
    assert 'name="needs_training"' in client.get(url).content.decode()
    response = client.post(url, {"needs_training": "on", "password": s.password})
    assert response.status_code == 302
    assert Revision.objects.get(pk=revision.pk).needs_training is True


def test_every_person_it_was_distributed_to_must_be_trained(s):
    assert trained(s, s.staff) == {s.revision.pk: False}
    assert trained(s, s.approver) == {s.revision.pk: False}
    assert s.revision.pk not in trained(s, s.outsider)  # not distributed to them


def test_only_a_present_attendance_at_a_session_on_that_revision_fulfils_it(s):
    held = mf.session(s.course, s.dept)
    mf.attend(held, s.staff, Participant.Attendance.ABSENT)
    mf.attend(held, s.reviewer1, Participant.Attendance.EXCUSED, reason="Nghỉ phép")
    mf.attend(held, s.reviewer2, Participant.Attendance.UNKNOWN)
    other_revision = mf.revision_needing_training(s, title="Quy trình khác")
    elsewhere = mf.session(mf.course(other_revision), s.dept)
    mf.attend(elsewhere, s.mr)
    generic = mf.session(mf.course(), s.dept)  # a course on no revision
    mf.attend(generic, s.author)
    cancelled = mf.session(s.course, s.dept, status=Session.Status.CANCELLED)
    mf.attend(cancelled, s.nobody)
    for person in (s.staff, s.reviewer1, s.reviewer2, s.mr, s.author, s.nobody):
        assert trained(s, person)[s.revision.pk] is False, person
    mf.attend(held, s.approver)
    assert trained(s, s.approver)[s.revision.pk] is True


def test_a_revision_no_longer_effective_asks_for_nothing(s):
    from tests.documents import factories as docs

    newer = docs.next_revision(s, s.revision.document)
    assert Revision.objects.get(pk=s.revision.pk).status == Revision.Status.SUPERSEDED
    assert newer.needs_training is False
    assert s.revision.pk not in trained(s, s.staff)


def test_an_untrained_revision_is_among_a_persons_gaps(s):
    _competences, revisions = selectors.gaps_of(s.staff)
    assert [r.revision_id for r in revisions] == [s.revision.pk]
    row = selectors.person_rows([s.staff], [])[0]
    assert row.gaps == 1
    mf.attend(mf.session(s.course, s.dept), s.staff)
    assert selectors.gaps_of(s.staff)[1] == []
    assert selectors.person_rows([s.staff], [])[0].gaps == 0


def test_unit_summaries_count_the_revision_gaps(s):
    mf.attend(mf.session(s.course, s.dept), s.staff)
    admin = factories.make_superuser()
    nodes = {n.unit.pk: n for n in selectors.unit_summaries(admin, s.root)}
    dept = nodes[s.dept.pk]
    # dept and its office: author, two reviewers, approver, mr, nobody, staff (trained) → 6 gaps
    assert dept.people == 7 and dept.gaps == 6 and dept.with_gaps == 6
    assert nodes[s.other.pk].gaps == 0


def test_coverage_per_unit_counts_the_people_trained(s):
    held = mf.session(s.course, s.dept)
    mf.attend(held, s.staff)  # the office
    mf.attend(held, s.reviewer1)  # the department
    mf.attend(held, s.reviewer2, Participant.Attendance.ABSENT)
    rows = {r["unit__code"]: (r["done"], r["total"]) for r in selectors.revision_coverage(s.revision)}
    assert rows == {s.dept.code: (1, 6), s.office.code: (1, 1)}


def test_the_document_page_shows_the_training_coverage_beside_the_acknowledgements(s):
    mf.attend(mf.session(s.course, s.dept), s.staff)
    client = Client()
    client.force_login(s.staff)
    page = client.get(s.revision.document.get_absolute_url()).content.decode()
    assert "Trained on this revision" in page
    assert "1 of 7 people have been trained." in page
    assert s.course.code in page
    assert page.index("Read and acknowledged") < page.index("Trained on this revision")


def test_no_panel_when_the_revision_needs_no_training(s):
    other = mf.revision_needing_training(s, needs_training=False, title="Quy trình khác")
    client = Client()
    client.force_login(s.staff)
    page = client.get(other.document.get_absolute_url()).content.decode()
    assert "Read and acknowledged" in page and "Trained on this revision" not in page


def test_the_coverage_panel_reads_a_fixed_number_of_queries_at_two_sizes(s):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(s.staff)
    url = s.revision.document.get_absolute_url()
    client.get(url)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count()
    held = mf.session(s.course, s.dept)
    for person in (s.staff, s.reviewer1, s.reviewer2, s.mr):
        mf.attend(held, person)
    mf.attend(mf.session(s.course, s.office), s.approver)
    assert count() == few


def test_the_dashboards_training_coverage_counts_present_attendances_of_what_was_asked_on_the_documents_unit(s):
    """The steering committee's figure: met / asked, for the documents' units, summed up the tree."""
    from documents.models import Acknowledgement
    from qms_portal.periods import Period
    from qms_portal.steering import selectors as steering

    asked = Acknowledgement.objects.filter(revision=s.revision).count()
    assert asked >= 5  # the owning unit's members and its office's
    held = mf.session(s.course, s.dept)
    mf.attend(held, s.staff)
    mf.attend(held, s.reviewer1)
    mf.attend(held, s.reviewer2, Participant.Attendance.ABSENT)
    cancelled = mf.session(s.course, s.dept, status=Session.Status.CANCELLED)
    mf.attend(cancelled, s.nobody)
    not_needed = mf.revision_needing_training(s, needs_training=False, title="Quy trình khác")  # asks nothing
    assert Acknowledgement.objects.filter(revision=not_needed).exists()

    board = steering.dashboard(s.mr, s.dept, Period.of("year"), with_trends=False)
    index = [figure.key for figure in board.figures].index("training.revision_coverage")
    cells = {row.unit.code: row.cells[index] for row in board.rows}
    assert (cells[s.dept.code].rows, cells[s.dept.code].denominator) == (2, asked)
    assert cells[s.dept.code].value == pytest.approx(2 / asked)
    assert (cells[s.office.code].rows, cells[s.office.code].denominator) == (0, 0)  # the document is the dept's
    assert cells[s.dept.code].light == "red"
