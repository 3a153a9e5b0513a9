"""The rollout board's pages: who opens and who writes (403 / 200 / 404), a move from the board
back to it, a plan form that keeps what was typed, a tick with evidence, the History tab, and the
dashboard's phase column."""

from django.urls import reverse

from qms_portal.attachments import attachments_for
from qms_portal.steering.models import RolloutTick, UnitRollout
from qms_portal.steering.rollout_services import rollout_item_tick, unit_rollout_move
from tests.qms_portal.images import photo_upload
from tests.viewtests import PermissionCases, logged_in


class TestBoardAccess(PermissionCases):
    url_name = "rollout_board"
    role = "steering_committee"
    lacking_role = "staff"
    scoped = False

    def make_object(self, tree, unit):
        return None


class TestDetailAccess(PermissionCases):
    url_name = "rollout_detail"
    role = "department_head"
    lacking_role = "staff"


class TestHistoryAccess(PermissionCases):
    url_name = "rollout_history"
    role = "steering_committee"
    lacking_role = "internal_auditor"


class TestMoveAccess(PermissionCases):
    url_name = "rollout_move"
    role = "management_representative"
    visible_only_role = "department_head"  # sees the board, moves nothing
    method = "post"
    data = {"phase": "training"}
    ok_status = 302


class TestPlanAccess(PermissionCases):
    url_name = "rollout_plan"
    role = "steering_committee"
    visible_only_role = "department_head"


class TestTickAccess(PermissionCases):
    url_name = "rollout_tick"
    role = "steering_committee"
    visible_only_role = "department_head"

    def url_kwargs(self, obj):
        return {"pk": obj.pk, "item": "leading_group"}


class TestWithdrawTickAccess(PermissionCases):
    url_name = "rollout_tick_withdraw"
    role = "steering_committee"
    visible_only_role = "department_head"

    def make_object(self, tree, unit):
        return rollout_item_tick(acting_user=tree.superuser, unit=unit, item="leading_group", note="QĐ 1")


def test_a_move_from_the_board_goes_back_to_the_board_with_a_message(tree):
    client = logged_in(tree.district_steering)
    board = reverse("rollout_board") + f"?unit={tree.district.pk}"
    response = client.post(reverse("rollout_move", args=[tree.ward1.pk]), {"phase": "planning", "next": board},
                           follow=True)
    assert response.redirect_chain[-1][0] == board
    assert "is now in “System planning”" in response.content.decode()
    page = response.content.decode()
    assert f'data-unit="{tree.ward1.pk}"' in page and f'data-unit="{tree.division.pk}"' not in page
    assert UnitRollout.objects.get(unit=tree.ward1).phase == "planning"


def test_a_move_elsewhere_than_the_site_is_sent_to_the_units_rollout(tree):
    client = logged_in(tree.district_steering)
    response = client.post(reverse("rollout_move", args=[tree.ward1.pk]),
                           {"phase": "training", "next": "https://evil.example/"})
    assert response.url == reverse("rollout_detail", args=[tree.ward1.pk])


def test_a_plan_with_dates_out_of_order_keeps_what_was_typed_and_saves_nothing(tree):
    client = logged_in(tree.district_steering)
    url = reverse("rollout_plan", args=[tree.ward1.pk])
    response = client.post(url, {"planned_start": "2026-05-01", "planned_preparation": "2026-04-01"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "is before the start" in page
    assert 'value="2026-05-01"' in page and 'value="2026-04-01"' in page
    assert not UnitRollout.objects.filter(unit=tree.ward1).exists()
    response = client.post(url, {"planned_start": "2026-01-01", "planned_preparation": "2026-04-01"})
    assert response.status_code == 302
    assert str(UnitRollout.objects.get(unit=tree.ward1).planned_preparation) == "2026-04-01"


def test_a_tick_by_hand_with_evidence_shows_on_the_units_page_with_its_file(tree):
    client = logged_in(tree.district_steering)
    response = client.post(reverse("rollout_tick", args=[tree.ward1.pk, "promotion_office"]),
                           {"note": "Quyết định thành lập tổ ISO", "evidence": photo_upload()})
    assert response.status_code == 302
    tick = RolloutTick.objects.get(unit=tree.ward1, item="promotion_office")
    page = client.get(reverse("rollout_detail", args=[tree.ward1.pk])).content.decode()
    assert "Quyết định thành lập tổ ISO" in page
    assert reverse("rollout_tick_withdraw", args=[tick.pk]) in page
    [evidence] = attachments_for(tick)
    assert reverse("attachment_download", args=[evidence.pk]) in page


def test_a_withdrawn_tick_stays_listed_with_who_withdrew_it_and_why(tree):
    from qms_portal.steering.rollout_services import rollout_tick_withdraw

    tick = rollout_item_tick(acting_user=tree.district_steering, unit=tree.ward1, item="promotion_office",
                             note="Quyết định số 12")
    rollout_tick_withdraw(acting_user=tree.district_steering, tick=tick, reason="Quyết định đã bị thay thế")
    page = logged_in(tree.district_steering).get(reverse("rollout_detail", args=[tree.ward1.pk])).content.decode()
    assert 'data-withdrawn="promotion_office"' in page
    assert "Quyết định số 12" in page and "Quyết định đã bị thay thế" in page
    assert reverse("rollout_tick_withdraw", args=[tick.pk]) not in page  # no second withdrawal offered


def test_an_unknown_item_is_404(tree):
    client = logged_in(tree.district_steering)
    assert client.get(reverse("rollout_tick", args=[tree.ward1.pk, "nothing"])).status_code == 404


def test_the_history_tab_lists_each_move_with_who_made_it(tree):
    unit_rollout_move(acting_user=tree.district_steering, unit=tree.ward1, phase="training", reason="Đã tập huấn")
    page = logged_in(tree.district_steering).get(reverse("rollout_history", args=[tree.ward1.pk])).content.decode()
    assert "Training" in page and "Đã tập huấn" in page and tree.district_steering.full_name in page


def test_a_unit_never_moved_has_an_empty_history_and_the_first_phase(tree):
    client = logged_in(tree.district_steering)
    assert "No history yet." in client.get(reverse("rollout_history", args=[tree.ward2.pk])).content.decode()
    assert "Organisational preparation" in client.get(reverse("rollout_detail", args=[tree.ward2.pk])).content.decode()


def test_the_dashboard_shows_each_units_phase_linked_to_its_rollout(tree):
    unit_rollout_move(acting_user=tree.district_steering, unit=tree.ward1, phase="internal_audit")
    page = logged_in(tree.district_steering).get(reverse("steering_dashboard")).content.decode()
    assert f'href="{reverse("rollout_detail", args=[tree.ward1.pk])}">Internal audit</a>' in page
    assert f'href="{reverse("rollout_detail", args=[tree.ward2.pk])}">Organisational preparation</a>' in page
