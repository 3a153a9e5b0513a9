"""The programme entries' register: every line of the audit programmes in the reader's scope,
filtered by unit (with its sub-units: the programme's unit, as the dashboard rolls entries up),
year, state (done, not done, behind its month — the dashboard figures' own rules) and clause; a
department sees only its subtree; the same queries whatever the rows; and each programme figure of
the steering committee's dashboard equals the count of the register it links to, for every unit."""

from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits.selectors import certificates as figures
from audits.selectors import programme_register as register
from audits.services import plan_programme
from documents.models import Clause
from qms_portal import areas
from qms_portal.periods import Period
from tests import factories
from tests.audits.plan_factories import audit_in, close_audit, make_programme, plan_world

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

URL = "/audits/programme-entries/"
KEYS = ("audits.programme_coverage", "audits.programme_entries", "audits.programme_entries_done",
        "audits.programme_entries_behind")


@pytest.fixture
def w(today):
    """The plan world with a unit of dept2 that runs its own QMS (``sub``, head2's department below
    it), and three programmes:

    * the agency's, this year: dept1 in March (done: its audit closed), office1 in May (behind: its
      audit is still in progress), dept2 in November (not yet), every clause but dept1's (7.5, 8.4);
    * the sub-unit's, this year: the sub-unit in February (behind), in September (not yet);
    * the agency's of last year: dept2 in April, never done (not done, not behind)."""
    w = plan_world()
    w.sub = factories.make_unit(w.dept2, f"{w.prefix}SUB", kind="office", name=f"Bộ phận một cửa {w.prefix}",
                                runs_own_qms=True)
    w.programme = make_programme(w, entries=[(w.dept1, 3, ["7.5", "8.4"]), (w.office1, 5, []), (w.dept2, 11, ["9.2"])])
    w.done, w.behind, w.later = w.programme.entries.order_by("planned_month")
    w.sub_programme = make_programme(w, unit=w.sub, entries=[(w.sub, 2, ["8.5"]), (w.sub, 9, [])])
    w.sub_behind, w.sub_later = w.sub_programme.entries.order_by("planned_month")
    w.last_year = make_programme(w, year=today.year - 1, entries=[(w.dept2, 4, [])])
    w.old = w.last_year.entries.get()
    audit = audit_in(w, "reporting", start=-120, programme_entry=w.done, scope=[w.dept1], lead="auditor3",
                     team=())
    close_audit(w, audit)
    w.closed_audit = audit
    w.open_audit = audit_in(w, "in_progress", start=-60, programme_entry=w.behind, scope=[w.office1],
                            lead="auditor3", team=())
    return w


def listed(client, params=None):
    response = client.get(URL, params or {})
    assert response.status_code == 200
    return response, set(response.context["filter"].qs.values_list("pk", flat=True))


def test_the_page_lists_every_entry_in_scope_with_its_programme_audits_and_state(w, client_for):
    response, rows = listed(client_for(w.mr))
    assert rows == {w.done.pk, w.behind.pk, w.later.pk, w.sub_behind.pk, w.sub_later.pk, w.old.pk}
    page = response.content.decode()
    assert f'href="{w.programme.get_absolute_url()}"' in page
    assert f'href="{w.closed_audit.get_absolute_url()}"' in page and w.closed_audit.number in page
    assert f'href="{w.open_audit.get_absolute_url()}"' in page
    assert "Done" in page and "Behind its month" in page and "Not done" in page
    assert "7.5, 8.4" in page and "March" in page
    states = {e.pk: e.state for e in register.programme_register(w.mr)}
    assert states[w.done.pk] == "done" and states[w.behind.pk] == "behind" and states[w.sub_behind.pk] == "behind"
    assert states[w.later.pk] == states[w.old.pk] == states[w.sub_later.pk] == "not_done"


def test_the_filters_unit_year_state_and_clause(w, client_for, today):
    client = client_for(w.mr)
    assert listed(client, {"state": "done"})[1] == {w.done.pk}
    assert listed(client, {"state": "behind"})[1] == {w.behind.pk, w.sub_behind.pk}
    assert listed(client, {"state": "not_done"})[1] == {w.behind.pk, w.later.pk, w.sub_behind.pk, w.sub_later.pk,
                                                        w.old.pk}
    assert listed(client, {"year": today.year - 1})[1] == {w.old.pk}
    # the unit is the programme's, with its sub-units: the agency's covers the sub-unit's programme
    assert listed(client, {"unit": w.agency.pk, "year": today.year})[1] == {
        w.done.pk, w.behind.pk, w.later.pk, w.sub_behind.pk, w.sub_later.pk}
    assert listed(client, {"unit": w.sub.pk})[1] == {w.sub_behind.pk, w.sub_later.pk}
    assert listed(client, {"unit": w.dept1.pk})[1] == set()  # dept1 keeps no programme of its own
    assert listed(client, {"unit": w.sub.pk, "state": "behind"})[1] == {w.sub_behind.pk}
    # a main clause: the entries naming it or a clause below it, and those naming none (every clause)
    assert listed(client, {"clause": "8", "year": today.year})[1] == {w.done.pk, w.behind.pk, w.sub_behind.pk,
                                                                      w.sub_later.pk}
    assert listed(client, {"clause": "9", "unit": w.agency.pk, "year": today.year})[1] == {
        w.behind.pk, w.later.pk, w.sub_later.pk}


def test_the_state_filter_uses_the_figures_rules(w, today):
    user = w.mr
    rows = register.programme_register(user)
    assert set(register.in_state(rows, "done").filter(programme__year=today.year)) == set(
        figures.programme_entries_done(user))
    assert set(register.in_state(rows, "behind")) == set(figures.programme_entries_behind(user))
    assert figures.programme_entries_behind(user).count() == 2
    assert Clause.objects.filter(number="7.5").exists()


def test_a_department_sees_only_the_programmes_of_its_subtree(w, client_for):
    # head2 (department head of dept2) sees the sub-unit's programme, not the agency's — not even
    # the agency's entry that audits dept2: an entry is in its programme's unit
    response, rows = listed(client_for(w.head2))
    assert rows == {w.sub_behind.pk, w.sub_later.pk}
    page = response.content.decode()
    assert f'href="{w.sub_programme.get_absolute_url()}"' in page
    assert f'href="{w.programme.get_absolute_url()}"' not in page
    # the agency, outside their reach, is not applied as a filter (the picker says so): still their rows only
    assert listed(client_for(w.head2), {"unit": w.agency.pk})[1] == {w.sub_behind.pk, w.sub_later.pk}
    # the steering committee of the city sees them all
    assert len(listed(client_for(w.steering))[1]) == 6


def test_someone_without_the_permission_is_refused_and_has_no_menu_entry(w, client_for):
    for person in (w.nobody, w.auditee1, w.outsider):
        assert client_for(person).get(URL).status_code == 403
    assert f'href="{URL}"' not in client_for(w.auditee1).get(reverse("home")).content.decode()
    assert f'href="{URL}"' in client_for(w.auditor1).get(reverse("home")).content.decode()
    assert client_for(w.auditor1).get(URL).status_code == 200  # internal auditors read the programme


def test_the_programme_page_links_to_its_units_entries(w, client_for, today):
    page = client_for(w.mr).get(w.programme.get_absolute_url()).content.decode()
    assert f'href="{URL}?unit={w.agency.pk}&amp;year={today.year}"' in page


def test_pages_go_on_by_cursor(w, client_for):
    for n in range(26):
        plan_programme.programme_entry_add(acting_user=w.iso, programme=w.programme, unit=w.dept2,
                                           planned_month=n % 12 + 1)
    client = client_for(w.mr)
    first = client.get(URL)
    assert len(first.context["object_list"]) == 25
    following = client.get(f"{URL}?{first.context['page_obj'].next_query}")
    seen = {e.pk for e in first.context["object_list"]} | {e.pk for e in following.context["object_list"]}
    assert len(seen) == 26 + 6


# --- queries at two sizes --------------------------------------------------------------------------


def count_queries(client, params):
    client.get(reverse("home"))
    client.get(URL, params)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(queries), [q["sql"] for q in queries.captured_queries]


@pytest.mark.parametrize("params", [{}, {"state": "behind"}, {"unit": "agency", "state": "done", "clause": "8"}])
def test_the_register_makes_the_same_number_of_queries_at_two_sizes(w, client_for, params):
    params = {k: (getattr(w, v).pk if k == "unit" else v) for k, v in params.items()}
    client = client_for(w.mr)
    small, small_sql = count_queries(client, params)
    clauses = list(Clause.objects.filter(number__in=["8.4", "8.5", "9.2"]))
    for n in range(12):
        entry = plan_programme.programme_entry_add(acting_user=w.iso, programme=w.programme,
                                                   unit=[w.dept1, w.dept2, w.office1][n % 3], planned_month=n % 6 + 1,
                                                   clauses=clauses[: n % 3 + 1])
        if n % 4 == 0:
            audit = audit_in(w, "reporting", start=-150 + 9 * n, programme_entry=entry, scope=[w.dept1],
                             lead="auditor3", team=())
            if n % 8 == 0:
                close_audit(w, audit)
    large, large_sql = count_queries(client, params)
    assert small == large, "\n".join(sql for sql in large_sql if sql not in small_sql)


# --- the dashboard's figures link to exactly their rows ---------------------------------------------


def register_count(client, url):
    cache.clear()
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["filter"].qs.count()


def test_every_programme_figure_equals_the_count_of_the_register_it_links_to_for_every_unit(w, client_for, today):
    from qms_portal.rollups import tally
    from qms_portal.steering import selectors as steering

    by_key = {figure.key: figure for _area, figure in areas.dashboard_figures() if figure.key in KEYS}
    assert set(by_key) == set(KEYS) and all(figure.link for figure in by_key.values())
    client = client_for(w.steering)
    units = [w.root, w.agency, w.dept1, w.dept2, w.sub, w.other]
    counted = {}
    for period in (Period.of("year"), Period.of("month"), Period.of("year", date(today.year - 1, 3, 1))):
        for figure in by_key.values():
            rows = tally(figure.rows(w.steering, period), root=w.root)
            for unit in units:
                expected = rows[unit.path].rows if unit.path in rows else 0
                url = figure.link(unit, period)
                assert register_count(client, url) == expected, (figure.key, unit.code, str(period), url)
                counted[figure.key] = counted.get(figure.key, 0) + expected
        # the dashboard's own cells (the columns) say the same, with their links
        board = steering.dashboard(w.steering, w.root, period, with_trends=False)
        for row in board.rows:
            for cell in row.cells:
                if cell.figure.key in KEYS and cell.rows:
                    assert cell.url and register_count(client, cell.url) == cell.rows, (cell.figure.key, row.unit)
    assert all(counted[key] > 0 for key in KEYS), counted  # non-zero data, an entry behind included
    behind = by_key["audits.programme_entries_behind"]
    assert behind.link(w.sub, None) == f"{URL}?state=behind&unit={w.sub.pk}"
    coverage = by_key["audits.programme_coverage"]
    assert coverage.link(w.agency, Period.of("year")) == f"{URL}?year={today.year}&state=done&unit={w.agency.pk}"
