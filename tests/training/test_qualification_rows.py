"""The rows of the qualifications list, written in Python (``training/views/competence.py``:
``qualification_rows``): what people typed is escaped, the state badges and words come in the
reader's language, and each conditional piece (a person by name or by username, a unit or "—", an
end date or "No end", each state's badge, a training session or an outside body or "—") shows both
ways."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from qms_portal.models import Unit
from tests import factories
from tests.training import plan_factories as f
from tests.training.competence_factories import day
from training.models import Participant, Qualification
from training.selectors import competence as selectors
from training.views.competence import qualification_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def t():
    tree = factories.small_tree()
    tree.coord = f.coordinator(tree)
    tree.ward2_staff = factories.make_user(f"{tree.prefix}w2staff", tree.ward2)
    Unit.objects.filter(pk=tree.ward1.pk).update(name="Phường <b>&")
    get_user_model().objects.filter(pk=tree.ward1_staff.pk).update(full_name="Lê <b>&")
    get_user_model().objects.filter(pk=tree.ward2_staff.pk).update(full_name="")
    comp = f.competence(name_en="Auditor <i>&", name_vi="Đánh giá viên <i>")
    session = f.session(tree.ward1, status="held")
    attended = f.participant(session, tree.ward1_staff, attendance=Participant.Attendance.PRESENT)
    tree.valid = f.qualification(tree.ward1_staff, comp, obtained_on=day(-10), valid_until=day(400),
                                 participant=attended)
    tree.expiring = f.qualification(tree.ward2_staff, comp, obtained_on=day(-10), valid_until=day(30),
                                    outside_body="QUACERT <b>&")
    tree.expired = f.qualification(tree.ward1_mr, comp, obtained_on=day(-800), valid_until=day(-1))
    tree.withdrawn = f.qualification(tree.ward2_staff, comp, obtained_on=day(-10), is_withdrawn=True,
                                     outside_body="x")
    return tree


def rows(t, no_unit=()):
    found = list(selectors.qualification_queryset(t.coord).order_by("pk"))
    for q in found:
        if q.pk in no_unit:
            q.user.primary_unit = None
    return {q.pk: row for q, row in zip(found, str(qualification_rows(found)).split("\n"), strict=True)}


def test_a_qualifications_row_escapes_what_was_typed_and_shows_each_piece_both_ways(t):
    found = rows(t, no_unit={t.expired.pk})
    valid, expiring, expired, withdrawn = (found[q.pk] for q in (t.valid, t.expiring, t.expired, t.withdrawn))
    assert f'<a href="{t.valid.get_absolute_url()}">Lê &lt;b&gt;&amp;</a>' in valid
    assert '<div class="d-md-none small text-body-secondary">Phường &lt;b&gt;&amp;</div>' in valid
    assert '<td class="d-none d-md-table-cell">Phường &lt;b&gt;&amp;</td>' in valid
    assert "<td>Auditor &lt;i&gt;&amp;</td>" in valid and "<b>" not in valid and "<i>" not in valid
    assert f'<td class="d-none d-sm-table-cell text-nowrap">{day(-10):%-d %b %Y}</td>' in valid
    assert f'<td class="text-nowrap">{day(400):%-d %b %Y} <span class="badge text-bg-success">Valid</span>' in valid
    assert '<td class="d-none d-lg-table-cell">A training session</td>' in valid
    assert f'<a href="{t.expiring.get_absolute_url()}">{t.ward2_staff.username}</a>' in expiring  # no name
    assert '<span class="badge text-bg-warning">Expiring</span>' in expiring
    assert '<td class="d-none d-lg-table-cell">QUACERT &lt;b&gt;&amp;</td>' in expiring
    assert '<div class="d-md-none small text-body-secondary"></div>' in expired  # no unit
    assert '<td class="d-none d-md-table-cell">—</td>' in expired
    assert '<span class="badge text-bg-danger">Expired</span>' in expired
    assert '<td class="d-none d-lg-table-cell">—</td>' in expired  # neither a session nor an outside body
    assert '<td class="text-nowrap">No end <span class="badge text-bg-secondary">Withdrawn</span></td>' in withdrawn
    with translation.override("vi"):
        found = rows(t)
    assert "<td>Đánh giá viên &lt;i&gt;</td>" in found[t.valid.pk]
    assert '<span class="badge text-bg-success">Còn hiệu lực</span>' in found[t.valid.pk]
    assert "Một khóa đào tạo" in found[t.valid.pk]
    assert f"{day(-10):%d/%m/%Y}" in found[t.valid.pk]
    assert "Không thời hạn" in found[t.withdrawn.pk] and "Đã rút lại" in found[t.withdrawn.pk]


def test_the_page_prints_the_rows(t, client_for):
    page = client_for(t.coord).get(reverse("training:qualification_list")).content.decode()
    assert page.count('<tr data-testid="qualification">') == Qualification.objects.count() == 4
    assert "Lê &lt;b&gt;&amp;" in page and "Lê <b>" not in page
