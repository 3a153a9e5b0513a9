"""The steering committee's dashboard: every number equals the count of the register it links to
(filtered to exactly those rows), at two data sizes; a constant number of queries whatever the size;
each reader sees their own subtree only."""

from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from qms_portal import areas
from qms_portal.periods import Period
from qms_portal.steering import selectors
from tests import factories

URL = "/steering/"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def register_count(client, url):
    """The rows of the register page at ``url``, as its filter selects them for the reader (the
    register's content rendered afresh, not taken from its cache)."""
    from django.core.cache import cache

    from qms_portal import cache as portal_cache

    cache.clear()
    portal_cache.reset()
    response = client.get(url)
    assert response.status_code == 200, url
    assert resolve(urlsplit(url).path)  # a page of the portal
    return response.context["filter"].qs.count()


def test_the_dashboard_is_mounted_by_the_core_and_names_its_page():
    assert reverse("steering_dashboard") == URL
    assert reverse("steering_dashboard_pdf") == URL + "dashboard.pdf"


def test_every_linked_figure_equals_the_count_of_its_register_for_every_unit(world):
    """A test per column: each figure with a link, each unit of the subtree, year and month."""
    client = client_for(world["steering"])
    checked = {}
    for period in (Period.of("year"), Period.of("month")):
        board = selectors.dashboard(world["steering"], world["root"], period, with_trends=False)
        assert len(board.rows) == selectors.scope(world["steering"]).filter(
            path__startswith=world["root"].path).count()
        for row in board.rows:
            for cell in row.cells:
                if cell.figure.link:  # a zero has no link on the page: its register must be empty too
                    url = cell.url or cell.figure.link(row.unit, period)
                    assert bool(cell.url) == bool(cell.linked)
                    assert cell.linked == register_count(client, url), (cell.figure.key, row.unit.code, url)
                    checked[cell.figure.key] = checked.get(cell.figure.key, 0) + cell.linked
    # The figures this test checks, and at least one of them counted something real.
    assert {"documents.effective", "documents.review_overdue", "nonconformities.open", "nonconformities.overdue",
            "nonconformities.closed_in_period", "nonconformities.days_to_close", "audits.findings_open",
            "training.expiring_soon", "objectives.met_rate", "objectives.indicators_missed",
            "objectives.surveys_below_threshold", "objectives.top_risks", "objectives.review_actions_overdue",
            "objectives.on_time_rate", "objectives.procedures_late", "training.plan_completion",
            "documents.acknowledged",
            "audits.programme_coverage", "audits.programme_entries_behind",
            "objectives.satisfaction", "training.revision_coverage",
            } <= set(checked)
    assert checked["documents.effective"] > 0 and checked["nonconformities.open"] > 0
    assert checked["objectives.on_time_rate"] > 0 and checked["objectives.procedures_late"] > 0
    # (this world holds no training session, no closed audit of a programme line and no closed
    # survey: plan completion, programme coverage, satisfaction and the training coverage of revisions
    # are checked at non-zero data in tests/training/test_plan_items_views.py,
    # tests/audits/test_programme_register.py, tests/objectives/test_surveys_services.py and
    # tests/training/test_revision_trainings.py)


def test_the_top_row_is_the_sum_of_the_rows_below_it_for_every_figure(world):
    board = selectors.dashboard(world["steering"], world["root"], Period.of("year"), with_trends=False)
    top = board.rows[0]
    assert top.unit.id == world["root"].pk
    for index, figure in enumerate(board.figures):
        expected = figure.rows(world["steering"], Period.of("year")).count()
        assert top.cells[index].rows == expected, figure.key
        if figure.kind == "rate":
            assert top.cells[index].denominator == figure.denominator_rows(world["steering"],
                                                                           Period.of("year")).count()


def test_the_page_shows_the_reader_their_subtree_and_a_department_head_only_theirs(world):
    steering = client_for(world["steering"]).get(URL)
    assert steering.status_code == 200
    codes = [row.unit.code for row in steering.context["board"].rows]
    assert codes[0] == world["root"].code and world["department"].code in codes
    head = client_for(world["head"]).get(URL)
    assert head.status_code == 200
    rows = head.context["board"].rows
    assert rows[0].unit.id == world["department"].pk
    assert all(row.unit.path.startswith(world["department"].path) for row in rows)
    assert world["root"].code not in [row.unit.code for row in rows]
    # The root's dashboard, asked for by its id, is outside the head's reach: 404.
    assert client_for(world["head"]).get(URL, {"unit": world["root"].pk}).status_code == 404
    # Drill-down: the committee opens the department's dashboard.
    drilled = client_for(world["steering"]).get(URL, {"unit": world["department"].pk, "period": "quarter"})
    assert [row.unit.id for row in drilled.context["board"].rows] == [row.unit.id for row in rows]
    assert drilled.context["period"].kind == "quarter"


@pytest.mark.django_db
def test_a_person_without_the_permission_is_refused_and_the_menu_has_no_entry():
    root = factories.make_root("NCITY")
    staff = factories.make_user("nd-staff", root)
    factories.assign(staff, "staff", root)
    assert client_for(staff).get(URL).status_code == 403
    assert 'href="/steering/"' not in client_for(staff).get("/").content.decode()
    head = factories.make_user("nd-head", root)
    factories.assign(head, "department_head", root)
    assert 'href="/steering/"' in client_for(head).get("/").content.decode()


def test_the_dashboard_makes_the_same_number_of_queries_for_a_department_and_the_whole_tree(world):
    """At each data size (``world``), the department's dashboard (a few units) and the root's (all
    of them, with every row) make the same queries: one GROUP BY per figure over all units."""
    client = client_for(world["steering"])

    def queries(**params):
        client.get(URL, params)  # the reader's roles, the session
        with CaptureQueriesContext(connection) as captured:
            response = client.get(URL, {"period": "year", **params})
        assert response.status_code == 200
        return len(captured), len(response.context["board"].rows)

    small, small_rows = queries(unit=world["department"].pk)
    large, large_rows = queries(unit=world["root"].pk)
    assert large_rows > small_rows
    assert small == large
    figures = [f for _a, f in areas.dashboard_figures() if f.column]
    rates = [f for f in figures if f.kind == "rate"]
    trends = [f for _a, f in areas.dashboard_figures() if f.trend]
    # a GROUP BY per figure and per denominator, two per trend at most, and a few for the page itself
    assert large <= len(figures) + len(rates) + 2 * len(trends) + 12, large


def test_the_pdf_of_the_dashboard_is_made_in_the_background_with_every_unit_and_the_rules(world, settings,
                                                                                         tmp_path):
    import shutil
    import subprocess

    from tests.qms_portal.test_pdf import made_by_a_worker

    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext is not installed")
    settings.MEDIA_ROOT = tmp_path
    client = client_for(world["steering"])
    assert client.get(URL + "dashboard.pdf").status_code == 405  # POST only
    job = made_by_a_worker(client.post(URL + f"dashboard.pdf?period=quarter&unit={world['department'].pk}"))
    assert job.params["unit"] == world["department"].pk and job.params["period"] == "quarter"
    response = client.get(reverse("job_download", args=[job.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = b"".join(response.streaming_content) if response.streaming else response.content
    text = " ".join(subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                                   check=True).stdout.decode().split())
    board = selectors.dashboard(world["steering"], world["department"], Period.parse(job.params), with_trends=False)
    assert all(row.unit.code in text for row in board.rows)
    assert world["root"].code + " ·" not in text  # the department's subtree only
    assert "Green at 0 or less, red above 3, amber between." in text
    # Another person's job is not theirs to download; the head may not print the root's dashboard.
    assert client_for(world["head"]).get(reverse("job_download", args=[job.pk])).status_code == 404
    assert client_for(world["head"]).post(URL + f"dashboard.pdf?unit={world['root'].pk}").status_code == 404
