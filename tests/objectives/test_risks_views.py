"""The register of risks and opportunities through its pages: the list and its rating matrix (the
matrix's counts are the list's, cell by cell; other units' risks left out; a fixed number of
queries at two sizes), recording a risk (bad input explained and kept), its page with its place
in the matrix before and after, a review, an action of its own recorded done, an action tracked as
a corrective action, and the History tab."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from nonconformities.models import CorrectiveAction
from objectives.models import Risk, RiskAction
from objectives.services import risks as services
from tests import factories
from tests.viewtests import logged_in

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def tree():
    t = factories.small_tree()
    t.head = factories.make_user(f"{t.prefix}head", t.ward1, full_name="Hoàng Văn Đức")
    factories.assign(t.head, "department_head", t.ward1)
    t.w2head = factories.make_user(f"{t.prefix}w2head", t.ward2)
    factories.assign(t.w2head, "department_head", t.ward2)
    return t


def risk(t, unit=None, likelihood=3, impact=4, **kw):
    unit = unit or t.ward1
    kw.setdefault("title", "Hồ sơ trễ hạn")
    kw.setdefault("owner", t.head if unit == t.ward1 else None)
    return services.risk_create(acting_user=t.superuser, unit=unit, likelihood=likelihood, impact=impact, **kw)


def matrix_counts(page):
    """``{(likelihood, impact): n}`` read from the matrix's links (each carries its cell and count)."""
    found = {}
    for href, label in re.findall(r'<a href="([^"]+)" aria-label="([^"]+)" class="qms-heat-link"', page):
        lk, im = re.search(r"likelihood=(\d)", href).group(1), re.search(r"impact=(\d)", href).group(1)
        found[int(lk), int(im)] = int(re.search(r"\((\d+)\)$", label).group(1))
    return found


def listed(page):
    return set(re.findall(r">([\w-]+-RO-\d{3})</a>", page))


def test_the_matrix_counts_are_the_registers_counts_cell_by_cell(tree):
    for lk, im in [(1, 1), (3, 4), (3, 4), (5, 5), (5, 4), (2, 3)]:
        risk(tree, likelihood=lk, impact=im)
    risk(tree, tree.ward2, likelihood=3, impact=4)
    closed = risk(tree, likelihood=3, impact=4)
    services.risk_review(acting_user=tree.superuser, risk=closed, residual_likelihood=None, residual_impact=None,
                         review_on=None, status=Risk.Status.CLOSED)
    client = logged_in(tree.head)
    url = reverse("objectives:risk_list")
    page = client.get(url).content.decode()
    counts = matrix_counts(page)
    assert counts == {(1, 1): 1, (3, 4): 2, (5, 5): 1, (5, 4): 1, (2, 3): 1}
    for (lk, im), n in counts.items():
        cell = client.get(url, {"likelihood": lk, "impact": im}).content.decode()
        assert len(listed(cell)) == n
        assert "Showing the cell" in cell
    # with the filters: the matrix of what they select
    very_high = client.get(url, {"band": "very_high"}).content.decode()
    assert matrix_counts(very_high) == {(5, 5): 1, (5, 4): 1} and len(listed(very_high)) == 2
    everything = client.get(url, {"status": "all"}).content.decode()
    assert matrix_counts(everything)[3, 4] == 3


def test_the_list_leaves_out_other_units_and_filters_by_unit_kind_and_search(tree):
    mine = risk(tree, title="Thiếu cán bộ một cửa")
    other = risk(tree, tree.ward2, title="Mất dữ liệu")
    chance = risk(tree, kind=Risk.Kind.OPPORTUNITY, title="Dịch vụ công trực tuyến")
    client = logged_in(tree.head)
    url = reverse("objectives:risk_list")
    page = client.get(url).content.decode()
    assert listed(page) == {mine.number, chance.number} and other.number not in page
    assert listed(client.get(url, {"kind": "opportunity"}).content.decode()) == {chance.number}
    assert listed(client.get(url, {"q": "can bo"}).content.decode()) == {mine.number}
    district = logged_in(tree.district_steering)
    assert listed(district.get(url, {"unit": tree.ward2.pk}).content.decode()) == {other.number}


def test_the_list_reads_a_fixed_number_of_queries_at_two_sizes(tree):
    client = logged_in(tree.district_steering)
    url = reverse("objectives:risk_list")

    def count(params):
        cache.clear()  # the SQL is under test, not the cached content
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, params).status_code == 200
        return len(queries)

    for n in range(2):
        risk(tree, likelihood=n + 1)
    client.get(url)
    few = [count({}), count({"band": "high", "q": "hồ sơ"}), count({"likelihood": 1, "impact": 4})]
    for n in range(30):
        risk(tree, tree.ward2 if n % 2 else tree.ward1, likelihood=n % 5 + 1, impact=(n * 3) % 5 + 1)
    assert [count({}), count({"band": "high", "q": "hồ sơ"}), count({"likelihood": 1, "impact": 4})] == few


def test_recording_a_risk_through_the_form(tree):
    client = logged_in(tree.head)
    data = {"unit": tree.ward1.pk, "kind": "risk", "title": "Hồ sơ bị thất lạc", "cause": "Lưu trữ giấy",
            "consequence": "Công dân phải nộp lại", "likelihood": "4", "impact": "5", "owner": tree.head.pk,
            "review_on": (TODAY + timedelta(days=90)).isoformat()}
    response = client.post(reverse("objectives:risk_create"), data)
    created = Risk.objects.get(title="Hồ sơ bị thất lạc")
    assert response.status_code == 302 and response["Location"] == created.get_absolute_url()
    assert created.number == f"{tree.ward1.code}-RO-001" and created.rating == 20
    page = client.get(created.get_absolute_url()).content.decode()
    assert "Very high (15–25)" in page and "Before" in page and 'data-testid="risk-position"' in page


@pytest.mark.parametrize("field,value,message", [
    ("likelihood", "0", "Give a number from 1 to 5."),
    ("likelihood", "6", "Give a number from 1 to 5."),
    ("impact", "six", "Give a number from 1 to 5."),
    ("review_on", (TODAY - timedelta(days=1)).isoformat(), "This date has already passed"),
])
def test_bad_input_is_explained_kept_and_nothing_is_saved(tree, field, value, message):
    client = logged_in(tree.head)
    data = {"unit": tree.ward1.pk, "kind": "risk", "title": "Tiêu đề được giữ lại", "likelihood": "3", "impact": "3",
            "owner": tree.head.pk, "review_on": (TODAY + timedelta(days=30)).isoformat(), field: value}
    response = client.post(reverse("objectives:risk_create"), data)
    page = response.content.decode()
    assert response.status_code == 200 and message in page and "Tiêu đề được giữ lại" in page
    assert f'value="{value}"' in page
    assert not Risk.objects.exists()


def test_an_action_due_before_today_is_refused_and_kept(tree):
    r = risk(tree)
    client = logged_in(tree.head)
    data = {"description": "Số hóa hồ sơ lưu trữ", "owner": tree.head.pk,
            "due_on": (TODAY - timedelta(days=2)).isoformat()}
    page = client.post(reverse("objectives:risk_action_create", args=[r.pk]), data).content.decode()
    assert "This date has already passed" in page and "Số hóa hồ sơ lưu trữ" in page
    assert not RiskAction.objects.exists()


def test_an_own_action_is_planned_and_recorded_done_by_its_owner_who_is_staff(tree):
    r = risk(tree)
    client = logged_in(tree.head)
    data = {"description": "Số hóa hồ sơ lưu trữ", "owner": tree.ward1_staff.pk,
            "due_on": (TODAY + timedelta(days=20)).isoformat()}
    assert client.post(reverse("objectives:risk_action_create", args=[r.pk]), data).status_code == 302
    action = RiskAction.objects.get()
    assert action.corrective_action is None and action.owner == tree.ward1_staff
    staff = logged_in(tree.ward1_staff)
    done = reverse("objectives:risk_action_done", args=[action.pk])
    page = staff.get(r.get_absolute_url()).content.decode()
    assert done in page
    assert staff.post(done, {"note": "Đã số hóa 1.200 hồ sơ"}).status_code == 302
    action.refresh_from_db()
    assert action.status == RiskAction.Status.DONE and action.done_on == TODAY
    assert staff.get(done).status_code == 403  # no longer open
    # someone else's staff may not
    other = factories.make_user(f"{tree.prefix}other", tree.ward1)
    factories.assign(other, "staff", tree.ward1)
    second = services.risk_action_create(acting_user=tree.head, risk=r, description="Tập huấn", owner=tree.head,
                                         due_on=TODAY)
    assert logged_in(other).get(reverse("objectives:risk_action_done", args=[second.pk])).status_code == 403


def test_an_action_tracked_as_a_corrective_action_follows_it(tree):
    r = risk(tree)
    client = logged_in(tree.head)  # (department heads plan corrective actions; the representative does not)
    assert "Track it as a corrective action" not in logged_in(tree.ward1_mr).get(
        reverse("objectives:risk_action_create", args=[r.pk])).content.decode()
    data = {"description": "Rà soát quy trình tiếp nhận", "owner": tree.ward1_staff.pk,
            "due_on": (TODAY + timedelta(days=15)).isoformat(), "as_corrective_action": "on"}
    response = client.post(reverse("objectives:risk_action_create", args=[r.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    action = RiskAction.objects.get()
    corrective = action.corrective_action
    assert corrective.kind == CorrectiveAction.Kind.IMPROVEMENT and corrective.unit == tree.ward1
    assert corrective.due == action.due_on and corrective.owner == tree.ward1_staff
    page = client.get(r.get_absolute_url()).content.decode()
    assert corrective.get_absolute_url() in page
    assert reverse("objectives:risk_action_done", args=[action.pk]) not in page


def test_a_review_records_the_residual_rating_and_its_conclusion_on_the_history_tab(tree):
    r = risk(tree, likelihood=4, impact=5, review_on=TODAY + timedelta(days=3))
    client = logged_in(tree.head)
    url = reverse("objectives:risk_review", args=[r.pk])
    half = {"residual_likelihood": "2", "residual_impact": "", "status": "treated",
            "review_on": (TODAY + timedelta(days=180)).isoformat(), "note": "Hành động đã hiệu quả"}
    page = client.post(url, half).content.decode()
    assert "Give both numbers of the residual rating, or neither." in page and "Hành động đã hiệu quả" in page
    half["residual_impact"] = "3"
    assert client.post(url, half).status_code == 302
    r.refresh_from_db()
    assert (r.residual_rating, r.status, r.review_on) == (6, "treated", TODAY + timedelta(days=180))
    page = client.get(r.get_absolute_url()).content.decode()
    assert "After" in page and "Before" in page
    history = client.get(reverse("objectives:risk_history", args=[r.pk])).content.decode()
    assert "Hành động đã hiệu quả" in history


def test_the_menu_links_the_register_for_those_who_may_read_it(tree):
    from qms_portal.areas import main_menu

    for user, shown in [(tree.head, True), (tree.ward1_staff, True), (tree.outsider, True),
                        (factories.make_user(f"{tree.prefix}nobody", tree.ward1), False)]:
        offered = [address for menu in main_menu(user, "/") for _label, address in menu.links]
        assert (reverse("objectives:risk_list") in offered) is shown, user


def test_the_register_exports_as_xlsx_with_its_filters_within_the_readers_scope(tree, settings, tmp_path):
    import io

    from openpyxl import load_workbook

    from objectives import exports_risks
    from qms_portal.jobs import job_run, job_start
    from qms_portal.models import Job

    settings.MEDIA_ROOT = tmp_path
    high = risk(tree, likelihood=5, impact=4, title='=HYPERLINK("http://evil.example","bấm")')
    services.risk_action_create(acting_user=tree.superuser, risk=high, description="Xong", owner=tree.head,
                                due_on=TODAY)
    risk(tree, likelihood=1, impact=2)
    other = risk(tree, tree.ward2, likelihood=5, impact=5)
    client = logged_in(tree.head)
    page = client.get(reverse("objectives:risk_export"), {"band": "very_high"}).content.decode()
    assert "Prepare the XLSX file" in page
    job = job_start(acting_user=tree.head, kind=exports_risks.JOB_KIND, params={"band": "very_high"}, queue=False)
    assert job_run(job_id=job.pk, attempt=1), Job.objects.get(pk=job.pk).error
    job.refresh_from_db()
    with job.file.open("rb") as handle:
        sheet = [[c.value for c in row] for row in load_workbook(io.BytesIO(handle.read())).active.iter_rows()]
    start = next(i for i, row in enumerate(sheet) if row[:2] == ["Number", "Kind"])
    rows = [dict(zip(sheet[start], row, strict=False)) for row in sheet[start + 1:]]
    assert [r["Number"] for r in rows] == [high.number] and other.number not in str(sheet)
    assert rows[0]["Title"].startswith("'=") and rows[0]["Rating"] == 20 and rows[0]["Actions open"] == 1


def test_the_top_risks_figure_links_to_the_register_filtered_to_exactly_them(tree):
    from tests.objectives.figure_links import counted_and_listed

    risk(tree, tree.ward1, likelihood=4, impact=4)
    risk(tree, tree.ward1, likelihood=3, impact=5)
    risk(tree, tree.ward2, likelihood=5, impact=5)
    risk(tree, tree.ward2, likelihood=3, impact=4)  # rated 12: not a top risk
    risk(tree, tree.division, likelihood=5, impact=5)  # out of the district's subtree
    for unit, expected in ((tree.district, 3), (tree.ward1, 2), (tree.ward2, 1)):
        assert counted_and_listed(tree.district_steering, "objectives.top_risks", unit) == (expected, expected)
