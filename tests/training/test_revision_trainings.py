"""The register of training on revisions (Training → Training on revisions): every person an
effective revision marked "needs training" was distributed to, and whether they have been trained on
it (a present attendance at a session, not cancelled, of a course on that revision); the steering
dashboard's "training coverage of revisions" links to it, and its number equals the register's
count; only readers of the document unit's training records see the names."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from documents.models import Acknowledgement
from qms_portal.periods import Period
from tests import factories
from tests.documents.factories import doc_setup
from tests.training import matrix_factories as mf
from training.models import Participant, Session

pytestmark = pytest.mark.django_db
URL = reverse("training:revision_trainings")


@pytest.fixture
def s():
    s = doc_setup()
    s.revision = mf.revision_needing_training(s, title="Quy trình tiếp nhận hồ sơ")
    s.course = mf.course(s.revision)
    s.held = mf.session(s.course, s.dept)
    mf.attend(s.held, s.staff)
    mf.attend(s.held, s.reviewer1)
    mf.attend(s.held, s.reviewer2, Participant.Attendance.ABSENT)
    mf.attend(mf.session(s.course, s.dept, status=Session.Status.CANCELLED), s.nobody)
    s.plain = mf.revision_needing_training(s, needs_training=False, title="Quy trình khác")  # asks nothing
    return s


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def listed(user, **params):
    response = client_for(user).get(URL, params)
    assert response.status_code == 200
    return response, list(response.context["filter"].qs)


def test_the_register_lists_everyone_asked_and_who_was_trained(s):
    asked = Acknowledgement.objects.filter(revision=s.revision)
    response, rows = listed(s.mr)
    assert {r.pk for r in rows} == set(asked.values_list("pk", flat=True))
    assert not Acknowledgement.objects.filter(revision=s.plain, pk__in=[r.pk for r in rows]).exists()
    _, trained = listed(s.mr, state="trained")
    assert {r.user_id for r in trained} == {s.staff.pk, s.reviewer1.pk}  # absent and cancelled do not count
    _, waiting = listed(s.mr, state="waiting")
    assert {r.user_id for r in waiting} == set(asked.values_list("user_id", flat=True)) - {s.staff.pk, s.reviewer1.pk}
    page = response.content.decode()
    assert s.revision.document.code in page and "Not yet trained" in page
    # the trained rows link to the session attended
    assert reverse("training:session_detail", args=[s.held.pk]) in page


def test_filters_by_person_document_and_unit(s):
    _, rows = listed(s.mr, person=s.staff.full_name.split()[0])
    assert {r.user_id for r in rows} == {s.staff.pk}
    _, rows = listed(s.mr, document="tiep nhan")  # tone marks optional
    assert rows and all(r.revision_id == s.revision.pk for r in rows)
    _, rows = listed(s.mr, unit=s.office.pk)  # the document is the department's
    assert rows == []
    _, rows = listed(s.mr, unit=s.dept.pk)
    assert len(rows) == Acknowledgement.objects.filter(revision=s.revision).count()


def test_the_dashboards_number_equals_the_registers_count_for_every_unit(s):
    from qms_portal.steering import selectors as steering

    board = steering.dashboard(s.mr, s.root if s.mr.has_perm("qms_portal.view_dashboard") else s.dept,
                               Period.of("year"), with_trends=False)
    index = [figure.key for figure in board.figures].index("training.revision_coverage")
    client = client_for(s.mr)
    seen = 0
    for row in board.rows:
        cell = row.cells[index]
        url = cell.url or cell.figure.link(row.unit, Period.of("year"))
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.context["filter"].qs.count() == cell.linked == cell.rows, (row.unit.code, url)
        seen += cell.linked
    assert seen >= 2 and "state=trained" in board.rows[0].cells[index].url


def test_only_readers_of_the_units_training_records_see_the_names(s):
    # staff hold no role that reads training records: refused, or nothing listed, and no menu entry
    response = client_for(s.staff).get(URL)
    assert response.status_code == 403 or not list(response.context["filter"].qs)
    assert f'href="{URL}"' not in client_for(s.staff).get("/").content.decode()
    assert f'href="{URL}"' in client_for(s.mr).get("/").content.decode()
    # a training coordinator of the other agency sees none of the department's
    coordinator = factories.make_user(f"{s.prefix}coord".lower(), s.other)
    factories.assign(coordinator, s.roles["training_coordinator"], s.other, include_subunits=True)
    _, rows = listed(coordinator)
    assert rows == []
    assert client_for(factories.make_superuser()).get(URL).status_code == 200


def test_the_register_reads_a_fixed_number_of_queries_at_two_sizes(s):
    client = client_for(s.mr)
    client.get(URL)

    def count():
        cache.clear()  # the SQL is under test, not the cached content
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, {"state": "trained"}).status_code == 200
        return len(queries)

    few = count()
    other = mf.revision_needing_training(s, title="Quy trình thứ ba")
    held = mf.session(mf.course(other), s.dept)
    for person in (s.staff, s.reviewer2, s.mr, s.approver):
        mf.attend(held, person)
    client.get(URL)  # (the new revision sent the reader messages: the unread count is read again once)
    assert count() == few


def test_the_documents_coverage_panel_links_to_the_register_for_readers_of_its_training_records(s):
    url = s.revision.document.get_absolute_url()
    link = f'{URL}?document={s.revision.document.code}'
    assert link in client_for(s.mr).get(url).content.decode()
    page = client_for(s.staff).get(url).content.decode()
    assert "Trained on this revision" in page and link not in page  # the counts only
    _, rows = listed(s.mr, document=s.revision.document.code)
    assert len(rows) == Acknowledgement.objects.filter(revision=s.revision).count()


def _rows(user):
    """{acknowledgement pk: its row} as ``revision_training_rows`` writes them."""
    from training.selectors import matrix as selectors
    from training.views.revision_trainings import revision_training_rows

    found = list(selectors.with_attended_session(selectors.revision_training_register(user).select_related(
        "user", "unit", "revision__document")).order_by("pk"))
    return {a.pk: row for a, row in zip(found, str(revision_training_rows(found)).split("\n"), strict=True)}


def test_a_row_escapes_what_was_typed_and_shows_trained_or_not_in_the_readers_language(s):
    from documents.models import Document
    from qms_portal.models import User

    Document.objects.filter(pk=s.revision.document_id).update(title="Quy trình <b>&")
    User.objects.filter(pk=s.staff.pk).update(full_name="")  # the username instead
    User.objects.filter(pk=s.reviewer1.pk).update(full_name="Nguyễn <i>")
    asked = {a.user_id: a for a in Acknowledgement.objects.filter(revision=s.revision)}
    Acknowledgement.objects.filter(pk=asked[s.reviewer2.pk].pk).update(unit=None)
    rows = _rows(s.mr)
    trained, named, waiting = (rows[asked[u.pk].pk] for u in (s.staff, s.reviewer1, s.reviewer2))
    assert "<br>Quy trình &lt;b&gt;&amp;</td>" in trained and "<b>&" not in trained
    assert f"<td>{s.staff.username}<span" in trained
    assert "<td>Nguyễn &lt;i&gt;<span" in named and "<i>" not in named
    session = reverse("training:session_detail", args=[s.held.pk])
    assert f'<a class="text-success text-nowrap" href="{session}">✔ ' in trained
    assert '<span class="visually-hidden">Trained at the session of </span>' in trained
    assert f'data-acknowledgement="{asked[s.staff.pk].pk}"' in trained
    assert '<span class="badge text-bg-warning text-wrap">Not yet trained</span>' in waiting
    assert session not in waiting
    assert '<td class="d-none d-md-table-cell">—</td>' in waiting  # no unit recorded
    unit = asked[s.reviewer1.pk].unit
    assert f'<td class="d-none d-md-table-cell">{unit.code} {unit.name}</td>' in named
    with translation.override("vi"):
        rows = _rows(s.mr)
    assert "Chưa được đào tạo" in rows[asked[s.reviewer2.pk].pk]
    assert "Đã được đào tạo tại buổi ngày" in rows[asked[s.staff.pk].pk]
