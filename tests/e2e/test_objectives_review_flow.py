"""The management review, on a desktop: the management representative plans a review from the
menu, sees its inputs compiled live, holds the meeting (the inputs frozen), records two decisions
(a due date before the meeting refused with what was typed kept), writes the conclusions, signs
the minutes with their password (a wrong one refused) and downloads the minutes' PDF, whose text
holds the decisions and the signature. Every page passes axe."""

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from nonconformities.models import Nonconformity
from nonconformities.services.nonconformity import nonconformity_create
from objectives.models import ManagementReview, ReviewDecision
from tests.e2e.conftest import (
    assert_accessible,
    assert_fits_the_screen,
    open_menu_entry,
    pick_person,
    screenshot,
    sign_in,
)
from tests.objectives.review_factories import review_tree

pytestmark = pytest.mark.e2e


def flat(text):
    return "".join(text.split())


def test_the_management_representative_runs_a_review_records_two_decisions_and_signs(open_page, tmp_path):
    t = review_tree()
    today = timezone.localdate()
    nonconformity_create(acting_user=t.superuser, unit=t.ward1, source=Nonconformity.Source.STAFF_REPORT,
                         title="Hồ sơ trả trễ hạn", description="Trả kết quả chậm 2 ngày.", detected_on=today)
    page = open_page("desktop")
    sign_in(page, t.ward1_mr.username, t.password)
    page.goto("/")
    open_menu_entry(page, "Objectives", "Management reviews")
    page.wait_for_url(re.compile(r"/objectives/reviews/$"))
    assert_accessible(page)
    page.get_by_role("link", name="New").click()
    page.fill("#id_title", "Xem xét của lãnh đạo năm 2026")
    page.locator("#id_meeting_on").fill(today.isoformat())
    page.locator("#id_place").fill("Phòng họp tầng 2")
    pick_person(page, "id_participants", t.officer.username, t.officer)
    pick_person(page, "id_participants", t.owner.username, t.owner, keep=1)
    page.locator("#id_period_start").fill((today - timedelta(days=365)).isoformat())
    page.locator("#id_period_end").fill(today.isoformat())
    page.locator("#id_resources").fill("Bộ phận một cửa thiếu 2 công chức.")
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".alert-success")).to_contain_text("The management review was planned")
    review = ManagementReview.objects.get()
    expect(page.locator("main h1")).to_contain_text(review.number)
    expect(page.locator("#review-inputs")).to_contain_text("Opened in the period: 1")
    expect(page.locator("#review-inputs")).to_contain_text("Bộ phận một cửa thiếu 2 công chức.")
    assert_accessible(page)

    page.get_by_role("link", name="Hold the meeting: freeze the inputs").click()
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("Recorded")
    expect(page.locator("#inputs")).to_contain_text("As they stood when the meeting was held")

    decisions = [("qms_change", "Sửa đổi quy trình tiếp nhận hồ sơ", 30),
                 ("resources", "Bổ sung 2 công chức cho bộ phận một cửa", 60)]
    for i, (kind, text, days) in enumerate(decisions):
        page.get_by_role("link", name="Record a decision").click()
        page.locator("#id_kind").select_option(kind)
        page.locator("#id_description").fill(text)
        pick_person(page, "id_owner", t.owner.username, t.owner)
        if i == 0:  # a due date before the meeting: refused, what was typed kept
            page.locator("#id_due_on").fill((today - timedelta(days=1)).isoformat())
            page.get_by_role("button", name="Save").click()
            expect(page.locator("main")).to_contain_text("The due date cannot be before the meeting.")
            expect(page.locator("#id_description")).to_have_value(text)
            assert_accessible(page)
        page.locator("#id_due_on").fill((today + timedelta(days=days)).isoformat())
        page.get_by_role("button", name="Save").click()
        expect(page.locator(".alert-success")).to_contain_text("The decision was recorded")
    assert ReviewDecision.objects.filter(review=review).count() == 2

    page.get_by_role("link", name="Write the conclusions").click()
    page.locator("#id_conclusions").fill("Hệ thống quản lý chất lượng phù hợp và có hiệu lực.")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Sign the minutes").click()
    page.fill("input[type=password]", "not-my-password")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("The password is not correct")
    assert_accessible(page)
    page.fill("input[type=password]", t.password)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".signature")).to_contain_text("Minutes signed (chair)")
    expect(page.locator(".signature")).to_contain_text(t.ward1_mr.full_name)
    review.refresh_from_db()
    assert review.status == ManagementReview.Status.SIGNED
    assert_fits_the_screen(page)
    assert_accessible(page)
    screenshot(page, "review-signed-desktop")

    with page.expect_download() as download:
        page.get_by_role("link", name="Minutes (PDF)").click()
    saved = tmp_path / "minutes.pdf"
    download.value.save_as(saved)
    text = flat(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(saved.read_bytes())).pages))
    for expected in (review.number, *(flat(text_) for _k, text_, _d in decisions), "Minutessigned(chair)",
                     flat(t.ward1_mr.full_name), "Hệthốngquảnlýchấtlượngphùhợp"):
        assert expected in text
