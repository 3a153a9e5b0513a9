"""The rows of the training sessions list, written in Python (``training/views/sessions.py``:
``session_rows``): what people typed is escaped, the start is shown in the portal's time zone, the
status badges come in the reader's language, and each conditional piece (a portal trainer by name
or by username, an outside trainer; each status's badge) shows both ways."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from qms_portal.models import Unit
from tests import factories
from tests.training import plan_factories as f
from training.models import Session
from training.selectors import sessions as selectors
from training.views.sessions import session_rows

pytestmark = pytest.mark.django_db
WHEN = datetime(2031, 3, 10, 1, 30, tzinfo=UTC)  # 08:30 in Hà Nội


@pytest.fixture
def t():
    tree = factories.small_tree()
    tree.coord = f.coordinator(tree)
    tree.ward2_staff = factories.make_user(f"{tree.prefix}w2staff", tree.ward2)
    Unit.objects.filter(pk=tree.ward1.pk).update(name="Phường <b>&")
    crs = f.course("Khoá <i>ISO</i>")
    tree.outside = f.session(tree.ward1, crs, when=WHEN, number="S-<1>&", external_trainer="Nguyễn <b>&")
    tree.held = f.session(tree.ward2, crs, when=WHEN, status=Session.Status.HELD, trainer=tree.coord)
    f.participant(tree.held, tree.ward1_staff, attendance="present")
    f.participant(tree.held, tree.ward2_staff, attendance="absent")
    f.participant(tree.held, tree.ward1_mr)
    nameless = factories.make_user(f"{tree.prefix}nameless", tree.ward2)
    get_user_model().objects.filter(pk=nameless.pk).update(full_name="")
    tree.nameless = nameless
    tree.cancelled = f.session(tree.ward2, crs, when=WHEN, status=Session.Status.CANCELLED, trainer=nameless)
    tree.closed = f.session(tree.ward2, crs, when=WHEN, status=Session.Status.CLOSED, external_trainer="QUACERT")
    return tree


def rows(t):
    found = selectors.with_counts(selectors.session_list_queryset(t.coord).filter(starts_at=WHEN).order_by("pk"))
    return {s.pk: row for s, row in zip(found, str(session_rows(found)).split("\n"), strict=True)}


def test_a_sessions_row_escapes_what_was_typed_and_shows_its_trainer_status_and_counts(t):
    found = rows(t)
    outside, held, cancelled, closed = (found[s.pk] for s in (t.outside, t.held, t.cancelled, t.closed))
    assert f'<a href="{t.outside.get_absolute_url()}">S-&lt;1&gt;&amp;</a>' in outside
    assert "<td>Khoá &lt;i&gt;ISO&lt;/i&gt;</td><td>Phường &lt;b&gt;&amp;</td>" in outside
    assert "<td>Nguyễn &lt;b&gt;&amp;</td>" in outside and "<b>" not in outside and "<i>" not in outside
    assert '<td class="text-nowrap">10 Mar 2031, 08:30</td>' in outside  # the portal's time zone
    assert '<span class="badge text-bg-light border">Planned</span>' in outside
    assert '<td class="text-end">0 / 0</td>' in outside
    assert f"<td>{t.coord.full_name}</td>" in held  # a portal trainer: by name
    assert '<span class="badge text-bg-success">Held</span>' in held
    assert '<td class="text-end">1 / 3</td>' in held
    assert f"<td>{t.nameless.username}</td>" in cancelled  # no name: the username
    assert '<span class="badge text-bg-danger">Cancelled</span>' in cancelled
    assert '<span class="badge text-bg-secondary">Closed</span>' in closed
    with translation.override("vi"):
        found = rows(t)
    assert '<span class="badge text-bg-success">Đã họp</span>' in found[t.held.pk]
    assert '<td class="text-nowrap">10/03/2031 08:30</td>' in found[t.held.pk]


def test_the_page_prints_the_rows(t, client_for):
    page = client_for(t.coord).get(reverse("training:session_list")).content.decode()
    assert page.count('<tr><td class="text-nowrap"><a href=') == 4
    assert "S-&lt;1&gt;&amp;" in page and "S-<1>" not in page
