"""An auditor on a phone opens today's audit checklist, answers questions and attaches a photo; the
connection drops mid-entry (Playwright cuts the network), they answer more and take another photo
("Not yet saved"); the connection comes back and every answer and photo is saved exactly once
(counted in the database: items, receipts, attachments, history). Then an answer given meanwhile on
another device: the phone shows both answers and keeps the one chosen, never overwriting silently."""

import re
import time
import uuid

import pytest
from playwright.sync_api import expect

from audits.models import AnswerReceipt, ChecklistItem
from audits.services import checklist as services
from qms_portal.attachments import attachments_for
from tests.audits.factories_checklist import checklist_world, clauses
from tests.e2e.conftest import assert_assets_loaded, assert_fits_the_screen, screenshot, sign_in
from tests.qms_portal.images import phone_jpeg

pytestmark = pytest.mark.e2e
A = ChecklistItem.Answer


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def choose(page, item, value):
    page.locator(f"label[for='a-{item.pk}-{value}']").tap()


def card(page, item):
    return page.locator(f"#item-{item.pk}")


def saved(item):
    return ChecklistItem.objects.get(pk=item.pk)


def test_answers_and_photos_survive_a_lost_connection_and_are_saved_once(open_page, tmp_path):
    w = checklist_world()
    items = services.checklist_build(acting_user=w.lead, audit=w.audit,
                                     clauses=clauses("7.1.5", "7.5", "8.5", "9.1"))
    photo = tmp_path / "IMG_0420.jpg"
    photo.write_bytes(phone_jpeg(width=320, height=240))
    other_photo = tmp_path / "IMG_0421.jpg"
    other_photo.write_bytes(phone_jpeg(width=240, height=320))

    phone = open_page("phone")
    sign_in(phone, w.member.username, w.tree.password)
    phone.goto(f"/audits/{w.audit.pk}/checklist/")
    assert_assets_loaded(phone)
    expect(phone.get_by_role("heading", level=1)).to_contain_text(w.audit.title)

    # Online: each answer is saved as it is entered (htmx), and a photo from the camera is attached.
    choose(phone, items[0], "conforms")
    expect(card(phone, items[0]).locator("[data-status]")).to_contain_text("Saved")
    assert saved(items[0]).answer == A.CONFORMS
    card(phone, items[0]).locator("input[type=file]").set_input_files(str(photo))
    expect(card(phone, items[0]).locator("img.checklist-thumb:not(.pending)")).to_have_count(1)
    assert attachments_for(items[0]).count() == 1
    assert_fits_the_screen(phone)

    # The connection drops: answers and a photo are kept on the phone, shown as not yet saved.
    phone.context.set_offline(True)
    expect(phone.locator("[data-offline-banner]")).to_be_visible()
    choose(phone, items[1], "nonconformity")
    notes = card(phone, items[1]).get_by_label("Notes")
    notes.fill("Sổ theo dõi văn bản đến chưa ghi ngày nhận")
    notes.press("Tab")
    choose(phone, items[2], "observation")
    card(phone, items[1]).locator("input[type=file]").set_input_files(str(other_photo))
    expect(card(phone, items[1]).locator("[data-testid=not-yet-saved]")).to_be_visible()
    expect(card(phone, items[2]).locator("[data-testid=not-yet-saved]")).to_be_visible()
    expect(card(phone, items[1]).locator("img.checklist-thumb.pending")).to_have_count(1)
    expect(phone.locator("[data-pending-banner]")).to_have_attribute("data-count", "3")
    screenshot(phone, "audit-checklist-offline-phone")
    assert saved(items[1]).answer == "" and saved(items[2]).answer == ""
    assert AnswerReceipt.objects.count() == 2  # the answer and the photo sent while online

    # Back online: everything kept is sent, once, in order.
    phone.context.set_offline(False)
    expect(phone.locator("[data-pending-banner]")).to_be_hidden()
    expect(card(phone, items[1]).locator("img.checklist-thumb:not(.pending)")).to_have_count(1)
    expect(phone.locator("[data-testid=not-yet-saved]")).to_have_count(0)
    phone.evaluate("window.dispatchEvent(new Event('online'))")  # the event again: nothing is sent twice
    phone.wait_for_timeout(500)
    second, third = saved(items[1]), saved(items[2])
    assert (second.answer, second.notes, second.version) == (A.NONCONFORMITY,
                                                            "Sổ theo dõi văn bản đến chưa ghi ngày nhận", 1)
    assert (third.answer, third.version) == (A.OBSERVATION, 1)
    assert second.answered_by == w.member
    assert AnswerReceipt.objects.count() == 5
    assert attachments_for(items[1]).count() == 1 and attachments_for(items[0]).count() == 1
    assert second.history.filter(answer=A.NONCONFORMITY).count() == 1
    assert third.history.filter(answer=A.OBSERVATION).count() == 1

    # A reload shows what the portal holds, with nothing left waiting on the phone.
    phone.reload()
    expect(phone.locator("[data-pending-banner]")).to_be_hidden()
    expect(phone.locator(f"#a-{items[1].pk}-nonconformity")).to_be_checked()
    expect(phone.get_by_test_id("checklist-progress")).to_contain_text("3 of 4 answered")

    # Meanwhile, on another device, the lead auditor answers the last question.
    services.checklist_item_answer(acting_user=w.lead, item=items[3], answer=A.CONFORMS,
                                   notes="Có kết quả đo lường quý III", key=uuid.uuid4(), base_version=0)
    choose(phone, items[3], "nonconformity")
    conflict = card(phone, items[3]).get_by_test_id("conflict")
    expect(conflict).to_be_visible()
    expect(conflict.get_by_test_id("conflict-saved")).to_contain_text("Có kết quả đo lường quý III")
    expect(conflict.get_by_test_id("conflict-yours")).to_contain_text("Nonconformity")
    assert saved(items[3]).answer == A.CONFORMS  # not overwritten
    screenshot(phone, "audit-checklist-conflict-phone")
    conflict.get_by_role("button", name="Keep mine").tap()
    expect(card(phone, items[3]).get_by_test_id("conflict")).to_have_count(0)
    expect(card(phone, items[3]).locator("[data-status]")).to_contain_text("Saved")
    assert (saved(items[3]).answer, saved(items[3]).version) == (A.NONCONFORMITY, 2)


def test_one_question_at_a_time_on_a_phone(open_page, monkeypatch):
    w = checklist_world()
    # The first answer takes its time on the way (a slow connection): the notes are typed meanwhile.
    slow = {"left": 1}
    answer = services.checklist_item_answer

    def slowly(**kwargs):
        if slow["left"]:
            slow["left"] -= 1
            time.sleep(2.5)
        return answer(**kwargs)

    monkeypatch.setattr(services, "checklist_item_answer", slowly)
    items = services.checklist_build(acting_user=w.lead, audit=w.audit, clauses=clauses("7.5", "8.5", "9.2"))
    phone = open_page("phone")
    sign_in(phone, w.member.username, w.tree.password)
    phone.goto(f"/audits/{w.audit.pk}/checklist/")
    phone.get_by_role("button", name="One at a time").tap()
    expect(card(phone, items[0])).to_be_visible()
    expect(card(phone, items[1])).to_be_hidden()
    # A choice, and notes typed at once after it (while the choice is on its way): both are kept.
    choose(phone, items[0], "na")
    notes = card(phone, items[0]).get_by_label("Notes")
    notes.tap()
    notes.press_sequentially("Phường không có dịch vụ thuê ngoài", delay=5)
    notes.press("Tab")
    expect(card(phone, items[0])).to_have_attribute("data-version", "2")  # the notes saved after the choice
    expect(card(phone, items[0]).locator("[data-status]")).to_contain_text("Saved")
    expect(card(phone, items[0]).get_by_label("Notes")).to_have_value("Phường không có dịch vụ thuê ngoài")
    assert saved(items[0]).notes == "Phường không có dịch vụ thuê ngoài"
    assert saved(items[0]).version == 2 and AnswerReceipt.objects.filter(item=items[0]).count() == 2
    phone.get_by_role("button", name="Next").tap()
    expect(card(phone, items[1])).to_be_visible()
    expect(card(phone, items[0])).to_be_hidden()
    expect(phone.locator("[data-step-label]")).to_have_text(re.compile(r"2 / 3"))
    assert saved(items[0]).answer == A.NOT_APPLICABLE



