"""The pages of nonconformities and their actions: what each shows, what a form does with good and
bad input, and who gets 403 / 404."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from nonconformities.models import CorrectiveAction, DueDateExtension, Nonconformity
from qms_portal.attachments import attachments_for
from qms_portal.numbering import last_number
from tests.factories import PASSWORD
from tests.nonconformities.factories import analysed, close, in_future, planned, raise_nc, to_verification
from tests.qms_portal.images import photo_upload, upload

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")

YEAR = timezone.localdate().year


def raise_form(ns, **extra):
    return {"unit": ns.dept.pk, "title": "Hồ sơ trả chậm tại bộ phận một cửa", "description": "Trễ 2 ngày",
            "source": "staff_report", "grade": "minor", "detected_on": timezone.localdate().isoformat(), **extra}


# --- Raising ------------------------------------------------------------------------------------


def test_a_staff_member_raises_a_nonconformity_with_a_photo(ns, client_for):
    response = client_for(ns.reporter).post(reverse("nonconformities:nonconformity_create"),
                                            raise_form(ns, photo=photo_upload()))
    nc = Nonconformity.objects.get(unit=ns.dept)
    assert response.status_code == 302 and response.url == nc.get_absolute_url()
    assert nc.number == f"{ns.dept.code}-NC-{YEAR}-001" and nc.reported_by == ns.reporter
    assert [a.original_name for a in attachments_for(nc)] == ["anh-hien-truong.jpg"]


def test_a_fake_photo_is_refused_nothing_is_saved_and_the_form_keeps_what_was_typed(ns, client_for):
    fake = upload("anh.jpg", b"this is not a picture", "image/jpeg")
    response = client_for(ns.reporter).post(reverse("nonconformities:nonconformity_create"),
                                            raise_form(ns, photo=fake))
    assert response.status_code == 200
    assert "Hồ sơ trả chậm tại bộ phận một cửa" in response.content.decode()
    assert response.context["form"].non_field_errors()
    assert not Nonconformity.objects.filter(unit=ns.dept).exists()
    assert last_number(unit=ns.dept, kind="NC", year=YEAR) == 0


def test_the_raise_form_refuses_a_unit_outside_the_reporters_scope(ns, client_for):
    response = client_for(ns.reporter).post(reverse("nonconformities:nonconformity_create"),
                                            raise_form(ns, unit=ns.other.pk))
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    assert not Nonconformity.objects.exists()


def test_the_raise_form_is_403_without_the_permission(ns, client_for):
    assert client_for(ns.nobody).get(reverse("nonconformities:nonconformity_create")).status_code == 403


# --- The story page -----------------------------------------------------------------------------


def test_the_page_tells_the_story_in_order_with_signatures(ns, client_for):
    nc, _actions = to_verification(ns)
    close(ns, nc)
    html = client_for(ns.head).get(nc.get_absolute_url()).content.decode()
    order = ["Finding", "Immediate correction", "Cause analysis", "Actions", "Verification of effectiveness",
             "Signatures"]
    positions = [html.index(heading) for heading in order]
    assert positions == sorted(positions)
    assert "Quy trình thiếu bước kiểm tra" in html and "Hành động 1" in html and "Ba tháng" in html


def test_the_page_shows_similar_nonconformities_within_reach(ns, client_for):
    nc = raise_nc(ns)
    other = raise_nc(ns, title="Lần trước cũng trễ")
    html = client_for(ns.head).get(nc.get_absolute_url()).content.decode()
    assert other.get_absolute_url() in html


def test_the_page_is_404_out_of_scope_and_403_without_the_permission(ns, client_for):
    nc = raise_nc(ns)
    assert client_for(ns.outsider).get(nc.get_absolute_url()).status_code == 404
    assert client_for(ns.nobody).get(nc.get_absolute_url()).status_code == 403
    assert client_for(ns.reporter).get(nc.get_absolute_url()).status_code == 200


def test_the_buttons_are_the_transitions_the_reader_may_take(ns, client_for):
    nc = raise_nc(ns)
    accept = reverse("nonconformities:nonconformity_transition", args=[nc.pk, "accept"])
    assert accept in client_for(ns.iso).get(nc.get_absolute_url()).content.decode()
    assert accept not in client_for(ns.reporter).get(nc.get_absolute_url()).content.decode()


def test_rejecting_on_the_page_without_a_reason_says_so(ns, client_for):
    nc = raise_nc(ns)
    url = reverse("nonconformities:nonconformity_transition", args=[nc.pk, "reject"])
    response = client_for(ns.iso).post(url, {"reason": ""})
    assert response.status_code == 200 and response.context["form"].errors
    nc.refresh_from_db()
    assert nc.status == Nonconformity.Status.REPORTED


def test_closing_on_the_page_asks_for_the_password_and_the_verification(ns, client_for):
    nc, _actions = to_verification(ns)
    url = reverse("nonconformities:nonconformity_transition", args=[nc.pk, "close"])
    client = client_for(ns.mr)
    assert client.post(url, {"password": "wrong", "verification_note": "Đã kiểm tra"}).status_code == 200
    assert client.post(url, {"password": PASSWORD, "verification_note": ""}).status_code == 200
    nc.refresh_from_db()
    assert nc.status == Nonconformity.Status.VERIFICATION
    response = client.post(url, {"password": PASSWORD, "verification_note": "Không còn hồ sơ trễ"})
    assert response.status_code == 302
    nc.refresh_from_db()
    assert nc.status == Nonconformity.Status.CLOSED


# --- Analysis and plan ------------------------------------------------------------------------------


def test_the_cause_analysis_form_saves_whys_fishbone_and_root_cause(ns, client_for):
    from nonconformities import services

    nc = raise_nc(ns)
    services.nonconformity_transition(acting_user=ns.iso, nonconformity=nc, name="accept")
    services.nonconformity_transition(acting_user=ns.head, nonconformity=nc, name="start_analysis")
    response = client_for(ns.head).post(reverse("nonconformities:nonconformity_analysis", args=[nc.pk]), {
        "why_1": "Trả chậm", "why_2": "Không theo dõi", "fishbone_people": "Thiếu người\nMới chuyển công tác",
        "fishbone_method": "", "root_cause": "Quy trình không có bước nhắc hạn"})
    assert response.status_code == 302
    nc.refresh_from_db()
    assert nc.five_whys == ["Trả chậm", "Không theo dõi"]
    assert nc.fishbone == {"people": ["Thiếu người", "Mới chuyển công tác"]}
    assert nc.root_cause == "Quy trình không có bước nhắc hạn"


def test_the_plan_form_creates_the_actions_of_its_rows(ns, client_for):
    nc = analysed(ns)
    data = {"actions-TOTAL_FORMS": "2", "actions-INITIAL_FORMS": "0",
            "actions-0-description": "Bổ sung bước nhắc hạn", "actions-0-kind": "corrective",
            "actions-0-owner": ns.owner1.pk, "actions-0-due": in_future().isoformat(),
            "actions-1-description": "Đào tạo lại cán bộ một cửa", "actions-1-kind": "preventive",
            "actions-1-owner": ns.owner2.pk, "actions-1-due": in_future(30).isoformat()}
    response = client_for(ns.head).post(reverse("nonconformities:nonconformity_plan", args=[nc.pk]), data)
    assert response.status_code == 302
    assert set(nc.actions.values_list("owner", "kind")) == {(ns.owner1.pk, "corrective"), (ns.owner2.pk, "preventive")}


def test_the_plan_form_refuses_a_past_due_date_and_saves_no_row(ns, client_for):
    nc = analysed(ns)
    data = {"actions-TOTAL_FORMS": "2", "actions-INITIAL_FORMS": "0",
            "actions-0-description": "Hợp lệ", "actions-0-kind": "corrective",
            "actions-0-owner": ns.owner1.pk, "actions-0-due": in_future().isoformat(),
            "actions-1-description": "Quá hạn", "actions-1-kind": "corrective", "actions-1-owner": ns.owner2.pk,
            "actions-1-due": (timezone.localdate() - timedelta(days=1)).isoformat()}
    response = client_for(ns.head).post(reverse("nonconformities:nonconformity_plan", args=[nc.pk]), data)
    assert response.status_code == 200 and "Quá hạn" in response.content.decode()
    assert not nc.actions.exists()


def test_the_plan_form_refuses_an_owner_outside_the_unit(ns, client_for):
    nc = analysed(ns)
    data = {"actions-TOTAL_FORMS": "1", "actions-INITIAL_FORMS": "0",
            "actions-0-description": "x", "actions-0-kind": "corrective",
            "actions-0-owner": ns.outsider.pk, "actions-0-due": in_future().isoformat()}
    response = client_for(ns.head).post(reverse("nonconformities:nonconformity_plan", args=[nc.pk]), data)
    assert response.status_code == 200 and not nc.actions.exists()


# --- Actions and extensions ---------------------------------------------------------------------


def test_the_owner_completes_their_action_with_evidence(ns, client_for):
    _nc, (action, _other) = planned(ns)
    client = client_for(ns.owner1)
    assert reverse("nonconformities:action_complete", args=[action.pk]) in client.get(
        action.get_absolute_url()).content.decode()
    response = client.post(reverse("nonconformities:action_complete", args=[action.pk]),
                           {"completion_note": "Đã ban hành biểu mẫu theo dõi hạn", "photo": photo_upload()})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == CorrectiveAction.Status.DONE
    assert len(attachments_for(action)) == 1


def test_another_staff_member_cannot_complete_it(ns, client_for):
    _nc, (action, _other) = planned(ns)
    url = reverse("nonconformities:action_complete", args=[action.pk])
    assert client_for(ns.owner2).get(url).status_code == 403  # sees it (role), may not record it
    assert client_for(ns.outsider).get(url).status_code == 403  # holds the permission nowhere


def test_an_extension_is_asked_and_decided_on_the_pages(ns, client_for):
    _nc, (action, _other) = planned(ns)
    new_due = (action.due + timedelta(days=10)).isoformat()
    response = client_for(ns.owner1).post(reverse("nonconformities:extension_request", args=[action.pk]),
                                          {"requested_due": new_due, "reason": "Chờ ý kiến Sở Tư pháp"})
    assert response.status_code == 302
    extension = DueDateExtension.objects.get(action=action)
    page = client_for(ns.mr).get(action.get_absolute_url()).content.decode()
    assert reverse("nonconformities:extension_decide", args=[extension.pk]) in page
    decide = reverse("nonconformities:extension_decide", args=[extension.pk])
    assert client_for(ns.mr).post(decide, {"decision": "decline", "note": ""}).status_code == 200
    assert client_for(ns.mr).post(decide, {"decision": "approve", "note": ""}).status_code == 302
    action.refresh_from_db()
    assert action.due.isoformat() == new_due and action.original_due != action.due
    assert "originally" in client_for(ns.head).get(action.get_absolute_url()).content.decode()


def test_the_owner_cannot_open_the_extension_decision(ns, client_for):
    _nc, (action, _other) = planned(ns)
    from nonconformities import services

    extension = services.extension_request(acting_user=ns.owner1, action=action, requested_due=in_future(30),
                                           reason="Chờ")
    assert client_for(ns.owner1).get(reverse("nonconformities:extension_decide",
                                             args=[extension.pk])).status_code == 403


# --- Register -------------------------------------------------------------------------------------


def test_the_register_lists_open_ones_in_scope_and_leaves_out_other_units(ns, client_for):
    from nonconformities import services

    mine = raise_nc(ns)
    rejected = raise_nc(ns)
    services.nonconformity_transition(acting_user=ns.iso, nonconformity=rejected, name="reject", reason="Không phải")
    theirs = raise_nc(ns, unit=ns.other, by=_other_reporter(ns))
    html = client_for(ns.head).get(reverse("nonconformities:register")).content.decode()
    assert mine.get_absolute_url() in html
    assert rejected.get_absolute_url() not in html  # open ones by default
    assert theirs.get_absolute_url() not in html
    everything = client_for(ns.head).get(reverse("nonconformities:register"), {"status": "all"}).content.decode()
    assert rejected.get_absolute_url() in everything and theirs.get_absolute_url() not in everything
    assert "Reported: 1" in html


def _other_reporter(ns):
    from tests.factories import assign, make_user

    person = make_user(f"{ns.prefix}other-rep".lower(), ns.other)
    assign(person, ns.roles["staff"], ns.other)
    return person


def test_the_register_filters_overdue_and_searches_the_number(ns, client_for):
    nc, (action, _other) = planned(ns)
    calm = raise_nc(ns, title="Không liên quan")
    CorrectiveAction.objects.filter(pk=action.pk).update(due=timezone.localdate() - timedelta(days=3))
    client = client_for(ns.head)
    html = client.get(reverse("nonconformities:register"), {"overdue": "true"}).content.decode()
    assert nc.get_absolute_url() in html and calm.get_absolute_url() not in html
    html = client.get(reverse("nonconformities:register"), {"q": calm.number}).content.decode()
    assert calm.get_absolute_url() in html and nc.get_absolute_url() not in html


def test_my_actions_lists_the_owners_own(ns, client_for):
    _nc, (mine, other) = planned(ns)
    html = client_for(ns.owner1).get(reverse("nonconformities:action_list"), {"mine": "true"}).content.decode()
    assert mine.get_absolute_url() in html and other.get_absolute_url() not in html


def test_the_history_tab_shows_both_due_dates_and_the_rounds(ns, client_for):
    nc, _actions = to_verification(ns)
    from nonconformities import services

    services.nonconformity_transition(acting_user=ns.mr, nonconformity=nc, name="not_effective",
                                      reason="Vẫn còn hồ sơ trễ", password=PASSWORD)
    html = client_for(ns.head).get(reverse("nonconformities:nonconformity_history", args=[nc.pk])).content.decode()
    assert "Not effective: analyse again" in html and "Vẫn còn hồ sơ trễ" in html


def test_my_work_lists_my_actions_and_what_waits_for_my_step(ns, client_for):
    from nonconformities import services

    waiting = raise_nc(ns)
    _nc, (action, _other) = planned(ns)
    extension = services.extension_request(acting_user=ns.owner1, action=action, requested_due=in_future(40),
                                           reason="Chờ")
    owner_home = client_for(ns.owner1).get(reverse("home")).content.decode()
    assert action.get_absolute_url() in owner_home
    iso_home = client_for(ns.iso).get(reverse("home")).content.decode()
    assert waiting.get_absolute_url() in iso_home
    mr_home = client_for(ns.mr).get(reverse("home")).content.decode()
    assert extension.get_absolute_url() in mr_home
    assert extension.get_absolute_url() not in owner_home


def test_a_long_register_is_paged_by_cursor_without_repeating_a_row(ns, client_for):
    import re

    made = {raise_nc(ns, title=f"Sự việc {i}").get_absolute_url() for i in range(30)}
    client = client_for(ns.head)
    first = client.get(reverse("nonconformities:register")).content.decode()
    shown_first = {url for url in made if f'href="{url}"' in first}
    assert len(shown_first) == 25
    cursor = re.search(r'rel="next" href="\?([^"]+)"', first).group(1).replace("&amp;", "&")
    second = client.get(reverse("nonconformities:register") + "?" + cursor).content.decode()
    shown_second = {url for url in made if f'href="{url}"' in second}
    assert shown_second == made - shown_first


def test_the_department_head_hands_an_action_to_another_owner_on_its_page(ns, client_for):
    _nc, (action, _other) = planned(ns)
    url = reverse("nonconformities:action_edit", args=[action.pk])
    form = {"description": action.description, "kind": "corrective", "owner": ns.owner2.pk,
            "due": (timezone.localdate() - timedelta(days=1)).isoformat()}
    response = client_for(ns.head).post(url, form)
    assert response.status_code == 200 and "past" in response.content.decode()
    action.refresh_from_db()
    assert action.owner == ns.owner1
    response = client_for(ns.head).post(url, {**form, "due": action.due.isoformat()})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.owner == ns.owner2
    assert client_for(ns.owner1).get(url).status_code == 403


def test_the_record_is_corrected_on_its_page(ns, client_for):
    nc = raise_nc(ns)
    response = client_for(ns.head).post(reverse("nonconformities:nonconformity_edit", args=[nc.pk]), {
        "title": nc.title, "description": nc.description, "grade": "major",
        "detected_on": nc.detected_on.isoformat()})
    assert response.status_code == 302
    nc.refresh_from_db()
    assert nc.grade == Nonconformity.Grade.MAJOR
    assert client_for(ns.reporter).get(reverse("nonconformities:nonconformity_edit", args=[nc.pk])).status_code == 403


def test_the_history_tab_reads_the_whys_and_the_fishbone_in_words(ns, client_for):
    nc = analysed(ns)
    html = client_for(ns.head).get(reverse("nonconformities:nonconformity_history", args=[nc.pk])).content.decode()
    assert "1. Trả chậm 2. Không theo dõi hạn" in html
    assert "Method: Quy trình thiếu bước kiểm tra" in html
    assert "[&#x27;" not in html and "{&#x27;" not in html


def test_the_plan_page_lets_an_existing_action_serve_this_nonconformity_too(ns, client_for):
    _first, (action, _other) = planned(ns)
    second = analysed(ns)
    data = {"actions-TOTAL_FORMS": "1", "actions-INITIAL_FORMS": "0", "actions-0-description": "",
            "actions-0-kind": "corrective", "action": action.pk}
    response = client_for(ns.head).post(reverse("nonconformities:nonconformity_plan", args=[second.pk]), data)
    assert response.status_code == 302
    assert set(second.actions.all()) == {action}
    empty = {**data, "action": ""}
    response = client_for(ns.head).post(reverse("nonconformities:nonconformity_plan", args=[second.pk]), empty)
    assert response.status_code == 200 and "at least one action" in response.content.decode()


def test_an_extension_has_a_history_tab_that_tells_who_asked_and_who_decided(ns, client_for):
    """Its History tab: asked by the owner with a reason, approved by the management representative."""
    from nonconformities import services

    _nc, (action, _other) = planned(ns)
    extension = services.extension_request(acting_user=ns.owner1, action=action, requested_due=in_future(40),
                                           reason="Chờ ý kiến Sở Tư pháp")
    services.extension_decide(acting_user=ns.mr, extension=extension, approve=True, note="Đồng ý gia hạn")
    history = reverse("nonconformities:extension_history", args=[extension.pk])
    page = client_for(ns.mr).get(history)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Chờ ý kiến Sở Tư pháp" in html and "Đồng ý gia hạn" in html
    decision = client_for(ns.mr).get(reverse("nonconformities:extension_decide", args=[extension.pk]))
    assert history in decision.content.decode()
    assert history in client_for(ns.head).get(action.get_absolute_url()).content.decode()
    assert client_for(ns.outsider).get(history).status_code == 404
