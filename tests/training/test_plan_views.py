"""The training plans through their pages: the list (other units' plans left out, a fixed number of
queries at two sizes), creating a plan and an item (bad input explained and kept), the needs found in
the data added with one click, the sessions held for an item, the approval with a signature, the
History tab with the items' changes, the PDF; the steering committee's figures and the management
review's "resources" input (numbers, and restricted to the reader or the review's unit)."""

import re
from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from qms_portal import areas
from qms_portal.pdf import weasyprint_problem
from tests import factories
from tests.training import plan_factories as f
from tests.viewtests import logged_in
from training.models import PlanItem, TrainingPlan

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
YEAR = TODAY.year


@pytest.fixture
def t():
    tree = factories.small_tree()
    tree.coord = f.coordinator(tree)
    tree.mr = factories.make_user(f"{tree.prefix}mr", tree.district, full_name="Đại diện lãnh đạo")
    factories.assign(tree.mr, "management_representative", tree.district)
    return tree


def listed(page):
    return set(re.findall(r'href="/training/plans/(\d+)/"', page))


def test_the_list_leaves_out_other_units_and_keeps_its_queries_at_two_sizes(t):
    client = logged_in(t.coord)
    url = reverse("training:plan_list")
    outside = f.plan(t.division, t.superuser)
    counts = []
    for size in (2, 12):
        for i in range(len(TrainingPlan.objects.filter(unit__path__startswith=t.district.path)), size):
            unit = factories.make_unit(t.ward1 if i % 2 else t.ward2, f"{t.prefix}U{i}", kind="division")
            plan = f.plan(unit, t.coord, year=YEAR - (i % 3))
            f.item(plan, t.coord, participants=i)
        client.get(url)  # warm the per-process caches
        cache.clear()  # the SQL is under test, not the cached content
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).content.decode()
        counts.append(len(queries))
        assert str(outside.pk) not in listed(page)
        assert len(listed(page)) == size
    assert counts[0] == counts[1], counts
    # filtered by year and by unit subtree
    page = client.get(url, {"year": YEAR}).content.decode()
    this_year = TrainingPlan.objects.filter(year=YEAR, unit__path__startswith=t.district.path)
    assert listed(page) == {str(p.pk) for p in this_year}
    page = client.get(url, {"unit": t.ward1.pk}).content.decode()
    assert listed(page) == {str(p.pk) for p in TrainingPlan.objects.filter(unit__path__startswith=t.ward1.path)}


def test_creating_a_plan_twice_explains_and_keeps_what_was_typed(t):
    client = logged_in(t.coord)
    url = reverse("training:plan_create")
    response = client.post(url, {"unit": t.ward1.pk, "year": YEAR, "budget": "12 triệu đồng"})
    plan = TrainingPlan.objects.get(unit=t.ward1, year=YEAR)
    assert response.status_code == 302 and response.url == plan.get_absolute_url()
    response = client.post(url, {"unit": t.ward1.pk, "year": YEAR, "budget": "Ngân sách lần hai"})
    page = response.content.decode()
    assert response.status_code == 200 and "already has a training plan for" in page and "Ngân sách lần hai" in page
    response = client.post(url, {"unit": t.division.pk, "year": YEAR})  # outside their scope
    assert response.status_code == 200 and not TrainingPlan.objects.filter(unit=t.division).exists()


def test_an_item_without_a_course_or_a_title_is_refused_with_what_was_typed_kept(t):
    plan = f.plan(t.ward1, t.coord)
    client = logged_in(t.coord)
    url = reverse("training:plan_item_create", args=[plan.pk])
    page = client.post(url, {"need": "other", "title": "", "month": 5, "participants": 8,
                             "note": "Ghi chú của tôi"}).content.decode()
    assert "choose a course or give a title" in page and "Ghi chú của tôi" in page
    page = client.post(url, {"need": "other", "title": "x", "participants": -3}).content.decode()
    assert "cannot be negative" in page
    assert not plan.items.exists()
    response = client.post(url, {"need": "new_staff", "title": "Hội nhập công chức mới", "month": 5,
                                 "participants": 8})
    assert response.status_code == 302
    item = plan.items.get()
    assert (item.need, item.month, item.participants) == ("new_staff", 5, 8)
    response = client.post(reverse("training:plan_item_edit", args=[item.pk]),
                           {"need": "new_staff", "title": "Hội nhập công chức mới", "month": 6, "participants": 9})
    item.refresh_from_db()
    assert response.status_code == 302 and (item.month, item.participants) == (6, 9)


def test_a_need_found_in_the_data_is_added_with_one_click(t):
    comp = f.competence(name_en="ISO 9001 awareness")
    crs = f.course("Nhận thức ISO 9001", competences=[comp])
    f.requirement("staff", comp, t.city)
    plan = f.plan(t.district, t.coord)
    client = logged_in(t.coord)
    url = reverse("training:plan_suggestions", args=[plan.pk])
    page = client.get(url).content.decode()
    assert "Nhận thức ISO 9001" in page and f'value="gap:{comp.pk}"' in page
    response = client.post(url, {"key": f"gap:{comp.pk}"})
    assert response.status_code == 302
    item = plan.items.get()
    assert (item.need, item.course_id, item.participants) == ("gap", crs.pk, 1)
    page = client.get(url).content.decode()
    assert "Already in the plan" in page
    page = client.post(url, {"key": f"gap:{comp.pk}"}, follow=True).content.decode()
    assert "already has an item for this need" in page
    assert plan.items.count() == 1


def test_the_sessions_of_an_item_are_chosen_among_the_plan_units_sessions_of_its_year(t):
    plan = f.plan(t.district, t.coord)
    item = f.item(plan, t.coord, participants=2)
    mine = f.session(t.ward1, when=date(YEAR, 3, 2), status="closed", number="S-MINE")
    other = f.session(t.division, when=date(YEAR, 3, 2), number="S-OTHER")
    f.participant(mine, t.ward1_staff, attendance="present")
    client = logged_in(t.coord)
    url = reverse("training:plan_item_sessions", args=[item.pk])
    page = client.get(url).content.decode()
    assert "S-MINE" in page and "S-OTHER" not in page
    page = client.post(url, {"sessions": [other.pk]}).content.decode()
    assert "Select a valid choice" in page and not item.sessions.exists()
    assert client.post(url, {"sessions": [mine.pk]}).status_code == 302
    page = client.get(plan.get_absolute_url()).content.decode()
    assert re.search(r'id="items-done">\s*1 of 1', page) and re.search(r'id="people-trained">\s*1 of 2', page)
    assert "S-MINE" in page


def test_approval_with_a_signature_then_a_change_shows_on_the_history_tab(t):
    plan = f.plan(t.ward1, t.coord)
    f.item(plan, t.coord, title="Tập huấn quy trình một cửa")
    mr = logged_in(t.mr)
    url = reverse("training:plan_transition", args=[plan.pk, "approve"])
    assert "Approve the training plan" in mr.get(plan.get_absolute_url()).content.decode()
    assert "Approve the training plan" not in logged_in(t.coord).get(plan.get_absolute_url()).content.decode()
    page = mr.post(url, {"password": "wrong"}).content.decode()
    plan.refresh_from_db()
    assert plan.status == "draft" and "password" in page.lower()
    assert mr.post(url, {"password": factories.PASSWORD}).status_code == 302
    plan.refresh_from_db()
    assert plan.status == "approved"
    coord = logged_in(t.coord)
    coord.post(reverse("training:plan_item_create", args=[plan.pk]),
               {"need": "revision", "title": "Quy trình sửa đổi lần 2", "participants": 5})
    history = coord.get(reverse("training:plan_history", args=[plan.pk])).content.decode()
    assert "Quy trình sửa đổi lần 2" in history and "Changed after the plan was approved" in history
    assert "Approved" in history


def test_an_item_with_sessions_is_not_taken_out(t):
    plan = f.plan(t.ward1, t.coord)
    item = f.item(plan, t.coord)
    from training.services import plan as services

    services.plan_item_link_sessions(acting_user=t.coord, item=item, sessions=[f.session(t.ward1)])
    page = logged_in(t.coord).post(reverse("training:plan_item_remove", args=[item.pk]), follow=True)
    assert "unlink them before taking it out" in page.content.decode()
    assert PlanItem.objects.filter(pk=item.pk).exists()


@pytest.mark.skipif(bool(weasyprint_problem()), reason="WeasyPrint is not installed")
def test_the_plan_as_a_pdf(t):
    plan = f.plan(t.ward1, t.coord, budget="Kinh phí 12 triệu")
    f.item(plan, t.coord, title="培训计划")
    response = logged_in(t.ward1_mr).get(reverse("training:plan_pdf", args=[plan.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_plan_as_xlsx_lists_its_items_with_formulas_neutralised(t):
    import io

    from openpyxl import load_workbook

    plan = f.plan(t.ward1, t.coord, budget="Kinh phí 12 triệu")
    f.item(plan, t.coord, title="Tập huấn ISO 9001", participants=12, month=3)
    f.item(plan, t.coord, title="=HYPERLINK(\"http://x\")", participants=4)
    client = logged_in(t.ward1_mr)
    url = reverse("training:plan_xlsx", args=[plan.pk])
    assert f'href="{url}"' in client.get(plan.get_absolute_url()).content.decode()
    response = client.get(url)
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    assert f"training-plan-{t.ward1.code}-{plan.year}.xlsx" in response["Content-Disposition"]
    values = [list(r) for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]
    assert any(r[:2] == ["Budget line", "Kinh phí 12 triệu"] for r in values)
    header = next(r for r in values if r and r[0] == "Month")
    items = values[values.index(header) + 1:]
    assert sorted((r[header.index("Title")], r[header.index("People planned")]) for r in items) == [
        ("'=HYPERLINK(\"http://x\")", 4), ("Tập huấn ISO 9001", 12)]
    assert not any(str(c).startswith("=") for r in values for c in r if c is not None)
    assert logged_in(t.outsider).get(reverse("training:plan_xlsx", args=[plan.pk])).status_code == 403


def test_the_session_page_panel_names_the_plan_items(t):
    plan = f.plan(t.ward1, t.coord)
    item = f.item(plan, t.coord, title="Tập huấn nhận thức")
    session = f.session(t.ward1)
    from training.services import plan as services

    services.plan_item_link_sessions(acting_user=t.coord, item=item, sessions=[session])
    html = render_to_string("training/parts/session_plan.html", {"session": session, "user": t.coord})
    assert "Tập huấn nhận thức" in html and plan.get_absolute_url() in html
    assert render_to_string("training/parts/session_plan.html", {"session": session, "user": t.outsider}).strip() == ""


# --- figures and the management review's input ------------------------------------------------------------


def _world(t):
    comp = f.competence(name_en="ISO awareness", name_vi="Nhận thức ISO")
    f.requirement("staff", comp, t.city)  # ward1 staff and the outsider (agency) lack it
    plan = f.plan(t.ward1, t.coord)
    item = f.item(plan, t.coord, participants=3)
    f.item(plan, t.coord, participants=2)
    closed = f.session(t.ward1, when=date(YEAR, 1, 15), status="closed")
    for i, attendance in enumerate(["present", "present", "absent", "excused"]):
        f.participant(closed, factories.make_user(f"{t.prefix}fp{i}", t.ward1), attendance=attendance)
    from training.services import plan as services

    services.plan_item_link_sessions(acting_user=t.coord, item=item, sessions=[closed])
    f.qualification(t.ward1_staff, f.competence(), valid_until=TODAY + timezone.timedelta(days=30))
    f.qualification(t.outsider, f.competence(), valid_until=TODAY + timezone.timedelta(days=30))
    out_plan = f.plan(t.division, t.superuser)
    out_item = f.item(out_plan, t.superuser)
    out_session = f.session(t.division, when=date(YEAR, 1, 20), status="closed")
    f.participant(out_session, t.outsider, attendance="present")
    services.plan_item_link_sessions(acting_user=t.superuser, item=out_item, sessions=[out_session])
    return comp


def test_the_figures_count_only_what_the_reader_may_see(t):
    _world(t)
    figures = {fig.key: fig for area, fig in areas.dashboard_figures() if area.label == "training"}
    assert {"training.plan_items_done", "training.attended", "training.not_attended", "training.expiring_soon",
            "training.competence_gaps"} <= set(figures)
    steering = t.district_steering
    counts = {key: fig.queryset(steering).count() for key, fig in figures.items() if key.startswith("training.")
              and key in {"training.plan_items_done", "training.attended", "training.not_attended",
                          "training.expiring_soon", "training.competence_gaps"}}
    assert counts == {"training.plan_items_done": 1, "training.attended": 2, "training.not_attended": 2,
                      "training.expiring_soon": 1, "training.competence_gaps": 1}
    everything = {key: figures[key].queryset(t.superuser).count() for key in counts}
    assert everything["training.plan_items_done"] == 2 and everything["training.attended"] == 3
    assert everything["training.competence_gaps"] >= 2


def test_the_review_input_on_resources_gives_numbers_for_the_units_subtree_and_reads_in_each_language(t):
    comp = _world(t)
    inputs = [(area, item) for area, item in areas.review_inputs()
              if item.key == "resources" and area.label == "training"]
    assert len(inputs) == 1
    item = inputs[0][1]
    data = item.compile(t.district, date(YEAR, 1, 1), date(YEAR, 12, 31))
    assert data["plans"] == {"count": 1, "approved": 0, "items": 2, "done": 1, "items_percent": 50,
                             "people_planned": 5, "people_trained": 2, "people_percent": 40}
    assert data["attendance"] == {"invited": 4, "present": 2, "absent": 1, "excused": 1, "sessions": 1, "rate": 50}
    assert data["gaps"]["people"] == 1 and data["gaps"]["by_competence"][0]["code"] == comp.code
    assert data["expiring"]["soon"] == 1
    import json

    json.dumps(data)  # codes and numbers only: the frozen snapshot keeps them
    with translation.override("vi"):
        html = render_to_string(item.template, {"data": data, "review": None})
    assert "Nhận thức ISO" in html
    with translation.override("en"):
        html = render_to_string(item.template, {"data": data, "review": None})
    assert "ISO awareness" in html and "(attendance 50 %)" in html
