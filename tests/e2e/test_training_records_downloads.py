"""The records part in a browser: a department head finds the effectiveness check of one of their
people from the menu (desktop), downloads the session's attendance sheet and records the check; the
participant, on a phone, gives their feedback on the session with large buttons (told what is
missing first) and downloads their certificate of completion, printed in their language. Every page
passes axe's WCAG 2.1 AA checks and fits the screen."""

import io

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.e2e.conftest import assert_accessible, assert_fits_the_screen, open_menu, screenshot, sign_in
from tests.training import records_factories as rf
from tests.training.records_helpers import session_page  # noqa: F401
from training.models import EffectivenessCheck, Feedback, Participant

pytestmark = pytest.mark.e2e


def _pdf_text(path):
    from pypdf import PdfReader

    return "".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages).split())


def test_a_head_downloads_the_attendance_sheet_and_records_the_check_and_the_participant_gives_feedback(
        open_page, tmp_path):
    tree = factories.small_tree()
    head = factories.make_user(f"{tree.prefix}head", tree.ward1, full_name="Trưởng phòng Hoàng Nam")
    factories.assign(head, "department_head", tree.ward1)
    learner = factories.make_user(f"{tree.prefix}learner", tree.ward1, full_name="Nguyễn Thị Lan", language="vi",
                                  position="Chuyên viên một cửa")
    session = rf.make_session(tree.ward1, rf.make_course("Nhận thức ISO 9001:2015"), external_trainer="Trần Giảng",
                              external_organisation="QUACERT")
    participant = rf.add_participant(session, learner)
    rf.add_participant(session, rf.person("Lê Văn Vắng", tree.ward1), attendance=Participant.Attendance.ABSENT,
                       reason="Đi công tác")
    check = rf.make_check(participant, due_in_days=-1)

    # The head, on a desktop: Training → Training effectiveness checks → the check
    page = open_page("desktop")
    sign_in(page, head.username, tree.password)
    open_menu(page)
    page.get_by_role("button", name="Training").click()
    page.get_by_role("link", name="Training effectiveness checks").click()
    expect(page.locator("main")).to_contain_text("Nguyễn Thị Lan")
    assert_accessible(page)
    page.get_by_role("link", name="Nguyễn Thị Lan", exact=True).click()
    expect(page.locator("main h1")).to_contain_text("Nguyễn Thị Lan")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Attendance sheet (PDF)").click()
    saved = tmp_path / "sheet.pdf"
    download.value.save_as(saved)
    text = _pdf_text(saved)
    for expected in ("NguyễnThịLan", "Chuyênviênmộtcửa", "LêVănVắng", "Đicôngtác", "QUACERT", session.number):
        assert expected in text, expected
    page.get_by_role("link", name="Record the check").click()
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#id_rating_error")).to_be_visible()
    assert_accessible(page)
    page.locator("label[for=id_rating_1]").click()  # partly effective
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#id_note_error")).to_be_visible()
    page.fill("#id_note", "Còn lúng túng khi lập phiếu kiểm soát hồ sơ.")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("Còn lúng túng khi lập phiếu kiểm soát hồ sơ.")
    assert_accessible(page)
    screenshot(page, "training-effectiveness-recorded-desktop")
    check.refresh_from_db()
    assert (check.rating, check.checked_by) == (EffectivenessCheck.Rating.PARTLY, head)

    # The participant, on a phone (in Vietnamese): feedback with large buttons, then the certificate
    phone = open_page("phone")
    sign_in(phone, learner.username, tree.password)
    phone.goto("/training/my-certificates/")
    expect(phone.locator("main")).to_contain_text("Nhận thức ISO 9001:2015")
    assert_accessible(phone)
    assert_fits_the_screen(phone)
    phone.locator(f"a[href='/training/participants/{participant.pk}/feedback/']").tap()
    for name in ("relevance", "content", "trainer"):
        phone.locator(f"label[for=id_{name}_0]").tap()  # 5
    phone.fill("#id_comment", "Rất thiết thực cho bộ phận một cửa.")
    phone.locator("main form button[type=submit]").tap()
    expect(phone.locator("#id_overall_error")).to_be_visible()
    expect(phone.locator("#id_comment")).to_have_value("Rất thiết thực cho bộ phận một cửa.")
    assert_accessible(phone)
    assert_fits_the_screen(phone)
    phone.locator("label[for=id_overall_1]").tap()  # 4
    phone.locator("main form button[type=submit]").tap()
    expect(phone.locator(".alert-success, [role=status]").first).to_be_visible()
    assert_accessible(phone)
    screenshot(phone, "training-feedback-given-phone")
    feedback = Feedback.objects.get(participant=participant)
    assert (feedback.relevance, feedback.overall, feedback.comment) == (5, 4, "Rất thiết thực cho bộ phận một cửa.")
    with phone.expect_download() as download:
        phone.locator(f"a[href='/training/participants/{participant.pk}/certificate.pdf']").tap()
    saved = tmp_path / "certificate.pdf"
    download.value.save_as(saved)
    participant.refresh_from_db()
    text = _pdf_text(saved)
    assert participant.certificate_number in text and "NguyễnThịLan" in text and "Trang1/1" in text
