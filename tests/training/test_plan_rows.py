"""The rows of the plans list and of the register of plan items, written in Python
(``training/views/plan.py``: ``plan_rows``, ``plan_item_rows``): what people typed is escaped, the
badges and sentences come in the reader's language, and each conditional piece (a status's badge, a
course with or without its own title, "—" for no title or no month, done or not) shows both ways."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from qms_portal.models import Unit
from qms_portal.services import save_tracked
from tests import factories
from tests.training import plan_factories as f
from training.models import PlanItem, Session, TrainingPlan
from training.selectors import plan as selectors
from training.selectors import plan_items as item_selectors
from training.services import plan as services
from training.views.plan import plan_item_rows, plan_rows

pytestmark = pytest.mark.django_db
YEAR = 2030


@pytest.fixture
def t():
    tree = factories.small_tree()
    tree.coord = f.coordinator(tree)
    Unit.objects.filter(pk=tree.ward1.pk).update(name="Phường <b>&")
    tree.draft = f.plan(tree.ward1, tree.coord, year=YEAR)
    tree.submitted = f.plan(tree.ward2, tree.coord, year=YEAR)
    crs = f.course("Khoá <i>ISO</i>")
    tree.done = f.item(tree.submitted, tree.coord, course=crs, title="", participants=4)  # no month
    session = f.session(tree.ward2, crs, when=date(YEAR, 3, 10))
    services.plan_item_link_sessions(acting_user=tree.coord, item=tree.done, sessions=[session])
    session.status = Session.Status.HELD
    save_tracked(session, tree.coord)
    f.participant(session, tree.ward1_staff, attendance="present")
    TrainingPlan.objects.filter(pk=tree.submitted.pk).update(status=TrainingPlan.Status.SUBMITTED)
    tree.typed = f.item(tree.draft, tree.coord, title="Tập huấn <b>&", participants=3, month=2)
    tree.with_title = f.item(tree.draft, tree.coord, course=crs, title="Lớp <script>", participants=2, month=12)
    tree.bare = f.item(tree.draft, tree.coord, title="x", participants=0)
    PlanItem.objects.filter(pk=tree.bare.pk).update(title="")  # (an old row: neither course nor title)
    return tree


def plans(t):
    found = list(selectors.plan_list_queryset(t.coord).filter(year=YEAR).order_by("pk"))
    return {p.pk: row for p, row in zip(found, str(plan_rows(found)).split("\n"), strict=True)}


def items(t):
    found = list(item_selectors.plan_item_queryset(t.coord).filter(plan__year=YEAR).order_by("pk"))
    return {i.pk: row for i, row in zip(found, str(plan_item_rows(found)).split("\n"), strict=True)}


def test_a_plans_row_escapes_its_unit_and_shows_its_status_and_progress(t):
    rows = plans(t)
    draft, submitted = rows[t.draft.pk], rows[t.submitted.pk]
    assert f'<a href="{t.draft.get_absolute_url()}">Phường &lt;b&gt;&amp;</a>' in draft
    assert "<b>&" not in draft
    assert '<span class="badge text-bg-secondary">Draft</span>' in draft
    assert "<td>0 of 3 <div" in draft and "0 of 5 people trained" in draft
    assert '<span class="badge text-bg-warning">Awaiting approval</span>' in submitted
    assert "<td>1 of 1 <div" in submitted and "1 of 4 people trained" in submitted
    assert '<td class="d-none d-md-table-cell">1 of 4</td>' in submitted
    with translation.override("vi"):
        rows = plans(t)
    assert '<span class="badge text-bg-secondary">Dự thảo</span>' in rows[t.draft.pk]
    assert "Chờ phê duyệt" in rows[t.submitted.pk]
    assert "1 / 4 người đã được đào tạo" in rows[t.submitted.pk]


def test_a_plan_items_row_escapes_what_was_typed_and_shows_each_piece_both_ways(t):
    rows = items(t)
    typed, with_title, bare, done = (rows[i.pk] for i in (t.typed, t.with_title, t.bare, t.done))
    link = f'<a href="{t.draft.get_absolute_url()}">'
    assert f'<tr data-item="{t.typed.pk}"><td>{link}Tập huấn &lt;b&gt;&amp;</a>' in typed
    assert "Phường &lt;b&gt;&amp; · February</div>" in typed  # the month under the item on a phone
    assert '<td class="d-none d-sm-table-cell">February</td>' in typed
    assert "<b>" not in typed and "<i>ISO" not in with_title and "<script>" not in with_title
    assert 'Khoá &lt;i&gt;ISO&lt;/i&gt;<span class="d-block small">Lớp &lt;script&gt;</span></a>' in with_title
    assert f'<a href="{t.submitted.get_absolute_url()}">Khoá &lt;i&gt;ISO&lt;/i&gt;</a>' in done  # no own title
    assert f"{link}—</a>" in bare  # neither course nor title
    assert '<td class="d-none d-sm-table-cell">—</td>' in done and " · " not in done  # no month
    assert '<span class="badge text-bg-secondary">Not done</span>' in typed
    assert '<span class="badge text-bg-success">Done</span>' in done
    assert '<td class="d-none d-lg-table-cell">1 of 4</td>' in done
    with translation.override("vi"):
        rows = items(t)
    assert "Chưa hoàn thành" in rows[t.typed.pk] and "Tháng Hai" in rows[t.typed.pk]
    assert '<span class="badge text-bg-success">Đã hoàn thành</span>' in rows[t.done.pk]
    assert "1 / 4" in rows[t.done.pk]


def test_the_pages_print_the_rows(t, client_for):
    client = client_for(t.coord)
    page = client.get(reverse("training:plan_list"), {"year": YEAR}).content.decode()
    assert page.count("<tr><td><a href=") == 2 and "Phường &lt;b&gt;&amp;" in page
    page = client.get(reverse("training:planitem_list"), {"year": YEAR}).content.decode()
    assert page.count("<tr data-item=") == 4 and "Tập huấn &lt;b&gt;&amp;" in page
