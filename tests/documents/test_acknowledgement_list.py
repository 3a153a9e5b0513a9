"""The register of acknowledgements (``documents:acknowledgement_list``): who was asked to read the
current revision of each effective document, and who has acknowledged it.

Its permission is ``documents.view_acknowledgement`` (document controller, management
representative, department head, internal auditor; the steering committee and the administrator
through "*.view_*"), on the document's unit: a staff member, or someone who only received a
document, sees the counts per unit on the document's page and nothing here. The rows are the
steering dashboard's figure's: for every unit, the figure "acknowledgement coverage" counts as
given exactly the rows of the page its number links to. A constant number of queries at two sizes.
"""

from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from documents import services
from documents.models import Revision
from qms_portal import areas
from qms_portal import cache as portal_cache
from tests.documents.factories import draft_of, drive_to_effective, effective_document, new_document, next_revision
from tests.factories import assign, make_user
from tests.viewtests import PermissionCases

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

URL = "/documents/acknowledgements/"


class TestAcknowledgementListAccess(PermissionCases):
    url_name = "documents:acknowledgement_list"
    role = "department_head"
    lacking_role = "staff"  # reads the documents, not who read them
    scoped = False

    def make_object(self, tree, unit):
        return None


def acknowledgement_world(ds):
    """On the department (dept ─ office; other apart):

    - a procedure on dept whose rev. 01 (acknowledged by the office's staff member) was superseded
      by rev. 02, asked of everyone of dept and office (7 people): reviewer1 and staff acknowledged;
    - an instruction on the office, distributed to the office and to the outsider (of ``other``):
      staff acknowledged it, the outsider and the office's head have not.

    The office's head (department head on the office only) is a member of the office: the dept
    procedure was sent to them too."""
    ds.office_head = make_user(f"{ds.prefix}office-head".lower(), ds.office, full_name=f"Office Head {ds.prefix}")
    assign(ds.office_head, "department_head", ds.office)
    procedure = effective_document(ds, title="Quy trình tiếp công dân")
    ds.superseded = procedure.current_revision
    services.revision_acknowledge(acting_user=ds.staff, revision=ds.superseded)
    ds.current = next_revision(ds, procedure)
    for person in (ds.reviewer1, ds.staff):
        services.revision_acknowledge(acting_user=person, revision=ds.current)
    instruction = new_document(ds, title="Hướng dẫn một cửa", type_code="HD", unit=ds.office)
    services.distribution_add(acting_user=ds.author, document=instruction, unit=ds.office)
    services.distribution_add(acting_user=ds.author, document=instruction, person=ds.outsider)
    ds.on_office = drive_to_effective(ds, draft_of(instruction))
    services.revision_acknowledge(acting_user=ds.staff, revision=ds.on_office)
    ds.procedure, ds.instruction = procedure, instruction
    return ds


def listed(client, params=None):
    response = client.get(URL, params or {})
    assert response.status_code == 200
    qs = response.context["filter"].qs
    return response, sorted(qs.values_list("revision_id", "user_id"))


def test_it_lists_the_current_revisions_acknowledgements_and_never_a_superseded_ones(ds, client_for):
    w = acknowledgement_world(ds)
    response, rows = listed(client_for(w.author))
    assert {revision for revision, _user in rows} == {w.current.pk, w.on_office.pk}
    assert len(rows) == 8 + 3  # rev. 02: dept's 7 people and the office's head; the instruction: 3
    page = response.content.decode()
    assert f'data-revision="{w.superseded.pk}"' not in page
    assert f'href="{w.procedure.get_absolute_url()}"' in page and w.procedure.code in page
    assert "Not yet acknowledged" in page and "Their unit" in page and "Asked on" in page


def test_filters_by_state_unit_person_and_document(ds, client_for):
    w = acknowledgement_world(ds)
    client = client_for(w.author)
    _r, given = listed(client, {"state": "acknowledged"})
    assert given == sorted([(w.current.pk, w.reviewer1.pk), (w.current.pk, w.staff.pk), (w.on_office.pk, w.staff.pk)])
    _r, waiting = listed(client, {"state": "waiting"})
    assert len(waiting) == 8 and (w.on_office.pk, w.outsider.pk) in waiting
    # the document's unit with its sub-units, whatever the person's unit (the outsider works elsewhere)
    _r, on_office = listed(client, {"unit": w.office.pk})
    assert {revision for revision, _user in on_office} == {w.on_office.pk}
    assert (w.on_office.pk, w.outsider.pk) in on_office
    _r, on_dept = listed(client, {"unit": w.dept.pk, "state": "waiting"})
    assert len(on_dept) == 8
    # a person by name, without tone marks; a document by code or title
    _r, found = listed(client, {"person": w.reviewer1.full_name.lower()})
    assert found == [(w.current.pk, w.reviewer1.pk)]
    _r, found = listed(client, {"document": "huong dan mot cua"})
    assert {revision for revision, _user in found} == {w.on_office.pk}
    _r, found = listed(client, {"document": w.procedure.code, "person": "staff"})
    assert found == [(w.current.pk, w.staff.pk)]


def test_a_department_head_sees_only_their_subtrees_documents_rows(ds, client_for):
    w = acknowledgement_world(ds)
    # the office's head received the dept procedure, but sees who read the office's documents only
    _r, rows = listed(client_for(w.office_head))
    assert {revision for revision, _user in rows} == {w.on_office.pk}
    # a unit above theirs, typed in the address, is not applied (the picker says why): still the office's
    _r, asked_above = listed(client_for(w.office_head), {"unit": w.dept.pk})
    assert {revision for revision, _user in asked_above} == {w.on_office.pk}
    # the dept's head: both documents, the current revisions only
    _r, rows = listed(client_for(w.approver))
    assert {revision for revision, _user in rows} == {w.current.pk, w.on_office.pk}


def test_readers_without_the_permission_are_refused_and_have_no_menu_entry(ds, client_for):
    w = acknowledgement_world(ds)
    for reader in (w.staff, w.outsider, w.nobody):  # staff on a unit; a reader who only received them
        client = client_for(reader)
        assert client.get(URL).status_code == 403
        assert f'href="{URL}"' not in client.get(reverse("documents:register")).content.decode()
    assert f'href="{URL}"' in client_for(w.mr).get(reverse("documents:register")).content.decode()


def test_the_document_page_links_its_readers_for_those_who_may_see_them(ds, client_for):
    w = acknowledgement_world(ds)
    page = client_for(w.approver).get(w.procedure.get_absolute_url())
    url = page.context["acknowledgements_url"]
    assert url.startswith(URL) and "Who has read it, person by person" in page.content.decode()
    cache.clear()
    _r, rows = listed(client_for(w.approver), dict(parse_qsl(urlsplit(url).query)))
    assert {revision for revision, _user in rows} == {w.current.pk} and len(rows) == 8
    staff_page = client_for(w.staff).get(w.procedure.get_absolute_url())
    assert "acknowledgements_url" not in staff_page.context
    assert "Who has read it, person by person" not in staff_page.content.decode()
    # the office's head reads the procedure (it was sent to them) but not who read it
    assert "acknowledgements_url" not in client_for(w.office_head).get(w.procedure.get_absolute_url()).context


def figure():
    return next(f for _area, f in areas.dashboard_figures() if f.key == "documents.acknowledged")


def test_the_dashboard_figure_counts_exactly_the_rows_its_link_lists(ds, client_for):
    w = acknowledgement_world(ds)
    steering = make_user(f"{ds.prefix}steering".lower(), w.root)
    assign(steering, "steering_committee", w.root)
    found = figure()

    def given(reader, unit):
        """The acknowledgements given the figure sums for ``unit``'s subtree (its ``link_total``)."""
        from django.db.models import Sum

        rows = found.rows(reader).filter(unit__path__startswith=unit.path)
        return rows.aggregate(n=Sum(found.value))["n"] or 0

    checked = 0
    for reader, units in ((steering, (w.root, w.dept, w.office, w.other)), (w.mr, (w.dept, w.office)),
                          (w.approver, (w.dept, w.office)), (w.office_head, (w.office,))):
        for unit in units:
            counted = given(reader, unit)
            url = found.link(unit, None)
            assert resolve(urlsplit(url).path).url_name == "acknowledgement_list"
            cache.clear()
            portal_cache.reset()
            response = client_for(reader).get(url)
            assert response.status_code == 200
            assert response.context["filter"].qs.count() == counted, (reader.username, unit.code, url)
            checked += counted
    # three given on the current revisions (the superseded revision's is not counted)
    assert given(steering, w.root) == 3 and given(w.office_head, w.office) == 1
    assert checked > 0 and found.link_total
    assert Revision.objects.get(pk=w.superseded.pk).status == Revision.Status.SUPERSEDED


def count(client, params):
    cache.clear()
    portal_cache.reset()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(queries), [q["sql"] for q in queries.captured_queries]


def test_the_page_makes_the_same_queries_whatever_the_number_of_rows(ds, client_for):
    def measure():
        return [count(client_for(reader), params) for reader, params in (
            (ds.author, {}), (ds.author, {"state": "acknowledged", "unit": ds.dept.pk}),
            (ds.approver, {"state": "waiting", "person": "staff", "document": "quy"}),
            (ds.mr, {"unit": ds.office.pk}),
        )]

    def documents(n, start):
        for i in range(start, start + n):
            document = effective_document(ds, title=f"Quy trình {i}", unit=ds.dept if i % 2 else ds.office)
            services.revision_acknowledge(acting_user=ds.staff, revision=document.current_revision)

    documents(1, 0)
    small = measure()
    documents(5, 1)  # 6 documents: some 25 acknowledgements, past the first page
    large = measure()
    for (n_small, sql_small), (n_large, sql_large) in zip(small, large, strict=True):
        assert n_small == n_large, "\n".join(sql for sql in sql_large if sql not in sql_small)


def test_a_row_escapes_what_was_typed_and_says_given_or_waiting_in_the_readers_language(ds, client_for):
    """The rows are written in Python (``documents/views/acknowledgement_rows.py``): every value
    escaped, both states, the person's user name when they have no full name, in the reader's language."""
    from django.utils.formats import date_format
    from django.utils.timezone import template_localtime
    from django.utils.translation import override

    w = acknowledgement_world(ds)
    w.procedure.title = "Quy trình <b>&"
    w.procedure.save(update_fields=["title"])
    w.reviewer1.full_name = ""
    w.reviewer1.save(update_fields=["full_name"])
    w.author.language = "vi"
    w.author.save(update_fields=["language"])
    page = listed(client_for(w.author), {"document": w.procedure.code})[0].content.decode()
    assert "Quy trình &lt;b&gt;&amp;" in page and "<b>&" not in page
    given = w.current.acknowledgements.get(user=w.reviewer1)
    with override("vi"):
        when = date_format(template_localtime(given.acknowledged_at), "SHORT_DATETIME_FORMAT")
    row = page.split(f'data-acknowledgement="{given.pk}">')[1].split("</tr>")[0]
    assert f"<td>{w.reviewer1.username}<span" in row and f"✔ {when}" in row
    assert "Chưa xác nhận</span>" in page and "Not yet acknowledged" not in page
