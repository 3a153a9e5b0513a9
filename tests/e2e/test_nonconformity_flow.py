"""The CAPA loop on a phone: a staff member raises a nonconformity with a photo from the menu; the
ISO officer accepts it; the department head records the cause and plans two actions; their owners
complete them; the management representative verifies and closes it with their password."""

import re

import pytest
from playwright.sync_api import expect

from nonconformities.models import CorrectiveAction, Nonconformity
from qms_portal.attachments import attachments_for
from tests.e2e.conftest import assert_fits_the_screen, open_menu, pick_person, screenshot, sign_in
from tests.nonconformities.factories import in_future, nc_setup
from tests.qms_portal.images import phone_jpeg

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def tap(page, locator):
    locator.tap() if getattr(page, "portal_kind", "") == "phone" else locator.click()


def take(page, nc, label):
    """Press the transition's button on the nonconformity's page, then confirm it on its own page."""
    page.goto(nc.get_absolute_url())
    tap(page, page.get_by_role("link", name=label))
    page.wait_for_url(re.compile(r"/do/\w+/$"))
    tap(page, page.get_by_role("button", name=label))
    expect(page.locator(".alert-success")).to_contain_text("Recorded")


def person(open_page, user, password):
    page = open_page("phone")
    sign_in(page, user.username, password)
    return page


def test_a_nonconformity_goes_round_the_capa_loop_on_a_phone(open_page, tmp_path):
    s = nc_setup()
    photo = tmp_path / "ho-so-tre-han.jpg"
    photo.write_bytes(phone_jpeg(width=640, height=480))

    # The staff member raises it from the menu, with a photo.
    staff = person(open_page, s.reporter, s.password)
    staff.goto("/")
    open_menu(staff)
    tap(staff, staff.get_by_role("button", name="Nonconformities").or_(
        staff.get_by_role("link", name="Nonconformities")).first)
    tap(staff, staff.get_by_role("link", name="Raise a nonconformity"))
    staff.wait_for_url(re.compile(r"/nonconformities/new/$"))
    staff.get_by_label("Title").fill("Hồ sơ đăng ký kinh doanh trả chậm 3 ngày")
    staff.get_by_label("What was found").fill("Hồ sơ số 125 được trả sau thời hạn luật định.")
    staff.get_by_label("Take a photo").set_input_files(str(photo))
    assert_fits_the_screen(staff)
    tap(staff, staff.get_by_role("button", name="Record the nonconformity"))
    expect(staff.locator(".alert-success")).to_contain_text("The nonconformity was recorded")
    nc = Nonconformity.objects.get(unit=s.dept)
    staff.wait_for_url(re.compile(rf"/nonconformities/{nc.pk}/$"))
    assert len(attachments_for(nc)) == 1
    screenshot(staff, "nonconformity-raised-phone")

    # The ISO officer accepts it.
    iso = person(open_page, s.iso, s.password)
    take(iso, nc, "Accept as a nonconformity")

    # The department head analyses the cause and plans two actions.
    head = person(open_page, s.head, s.password)
    take(head, nc, "Start the cause analysis")
    tap(head, head.get_by_role("link", name="Record the cause analysis"))
    head.wait_for_url(re.compile(r"/analysis/$"))
    head.get_by_label("Why? (1)").fill("Hồ sơ không được theo dõi hạn")
    head.get_by_label("Why? (2)").fill("Quy trình không có bước nhắc hạn")
    head.get_by_label("Method").fill("Thiếu bước kiểm tra thời hạn")
    head.get_by_label("Root cause").fill("Quy trình một cửa không có bước nhắc hạn trước 2 ngày")
    tap(head, head.get_by_role("button", name="Save the analysis"))
    expect(head.locator(".alert-success")).to_contain_text("The cause analysis was saved")
    take(head, nc, "Go on to the action plan")
    tap(head, head.get_by_role("link", name="Plan actions"))
    head.wait_for_url(re.compile(r"/plan/$"))
    for row, (text, owner) in enumerate([("Bổ sung bước nhắc hạn vào quy trình", s.owner1),
                                          ("Đào tạo lại cán bộ bộ phận một cửa", s.owner2)]):
        head.locator(f"#id_actions-{row}-description").fill(text)
        pick_person(head, f"id_actions-{row}-owner", owner.username, owner)
        head.locator(f"#id_actions-{row}-due").fill(in_future(20 + row).isoformat())
    assert_fits_the_screen(head)
    tap(head, head.get_by_role("button", name="Save the plan"))
    expect(head.locator(".alert-success")).to_contain_text("The action plan was saved")
    take(head, nc, "Start the actions")

    # Each owner completes their action, found under "My actions".
    for owner in (s.owner1, s.owner2):
        page = person(open_page, owner, s.password)
        page.goto("/nonconformities/actions/?mine=true")
        action = CorrectiveAction.objects.get(owner=owner)
        tap(page, page.get_by_role("link", name=str(action)))
        page.wait_for_url(re.compile(rf"/actions/{action.pk}/$"))
        tap(page, page.get_by_role("link", name="Complete"))
        page.wait_for_url(re.compile(r"/complete/$"))
        page.get_by_label("What was done").fill("Đã thực hiện, có biên bản kèm theo")
        tap(page, page.get_by_role("button", name="Complete the action"))
        expect(page.locator(".alert-success")).to_contain_text("recorded as done")

    take(head, nc, "Submit for verification")

    # The management representative verifies and closes it with their password.
    mr = person(open_page, s.mr, s.password)
    mr.goto(nc.get_absolute_url())
    tap(mr, mr.get_by_role("link", name="Effective: close"))
    mr.wait_for_url(re.compile(r"/do/close/$"))
    mr.get_by_label("Verification of effectiveness").fill("Ba tháng liền không còn hồ sơ trả chậm.")
    mr.get_by_label("Your password (to sign)").fill(s.password)
    tap(mr, mr.get_by_role("button", name="Effective: close"))
    expect(mr.locator(".alert-success")).to_contain_text("Recorded")
    expect(mr.locator(".signature")).to_contain_text("Closed")
    assert_fits_the_screen(mr)
    screenshot(mr, "nonconformity-closed-phone")
    nc.refresh_from_db()
    assert nc.status == Nonconformity.Status.CLOSED and nc.verified_by == s.mr
