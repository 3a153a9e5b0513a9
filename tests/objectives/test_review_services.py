"""Management review: the inputs compiled in ISO 9001 9.3.2's order and frozen when the meeting is
held (page and PDF unchanged by later data), the chair's signature (password again), the decisions'
rules, and the status of previous actions at the next review."""

import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from nonconformities.models import Nonconformity
from nonconformities.services.nonconformity import nonconformity_create
from objectives.models import ManagementReview, ReviewDecision
from objectives.selectors.review_inputs import compile_inputs
from objectives.services import review as services
from qms_portal import areas
from qms_portal import services as qms_services
from qms_portal.models import TransitionRecord
from qms_portal.workflow import TransitionError
from tests import factories
from tests.objectives.review_factories import add_decision, hold, make_review, review_tree, sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def t():
    return review_tree()


def raise_nc(t, unit=None, title="Hồ sơ trả trễ hạn"):
    return nonconformity_create(acting_user=t.superuser, unit=unit or t.ward1, source=Nonconformity.Source.STAFF_REPORT,
                                title=title, description="Trả kết quả chậm 2 ngày.",
                                detected_on=timezone.localdate())


def inputs_html(client, review):
    html = client.get(review.get_absolute_url()).content.decode()
    return re.search(r'<div id="review-inputs">(.*?)</div>\s*</section>', html, re.S).group(1)


def pdf_text(client, review):
    from pypdf import PdfReader

    response = client.get(f"/objectives/reviews/{review.pk}/minutes.pdf")
    assert response.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    return re.sub(r"Printed .*? by", "Printed by", " ".join(text.split()))


def test_the_inputs_come_in_the_order_iso_9001_lists_them(t):
    review = make_review(t)
    keys = [entry["key"] for entry in compile_inputs(review)]
    rank = {key: i for i, key in enumerate([*areas.REVIEW_INPUT_ORDER, "other"])}
    # several areas may add to one key (resources: the meeting's text and the training area's figures)
    assert [rank[k] for k in keys] == sorted(rank[k] for k in keys) and keys[-1] == "other"
    assert keys[:2] == ["previous_actions", "issues_changes"]
    assert {"nonconformities", "audits", "external_providers", "resources"} <= set(keys)


def test_an_area_that_is_not_installed_leaves_its_input_absent(t, monkeypatch):
    review = make_review(t)
    kept = {label: area for label, area in areas._AREAS.items() if label != "audits"}
    monkeypatch.setattr(areas, "_AREAS", kept)
    keys = [entry["key"] for entry in compile_inputs(review)]
    assert "audits" not in keys
    assert "nonconformities" in keys and "previous_actions" in keys


def test_the_inputs_are_live_while_planned_and_frozen_once_held(t, client):
    review = make_review(t)
    raise_nc(t)
    client.force_login(t.ward1_mr)
    assert "Opened in the period: <strong>1</strong>" in inputs_html(client, review)
    review = hold(t, review)
    frozen = {e["key"]: e for e in review.snapshot["inputs"]}
    assert frozen["nonconformities"]["data"]["opened"] == 1
    page_before, pdf_before = inputs_html(client, review), pdf_text(client, review)
    raise_nc(t, title="Một điểm không phù hợp sau cuộc họp")
    raise_nc(t, unit=t.ward1, title="Thêm một điểm nữa")
    assert inputs_html(client, review) == page_before
    assert pdf_text(client, review) == pdf_before
    assert "Opened in the period: 1" in pdf_before
    # a review still planned sees the new records at once
    other = make_review(t, unit=t.district, chair=t.superuser)
    client.force_login(t.superuser)
    assert "Opened in the period: <strong>3</strong>" in inputs_html(client, other)


def test_the_texts_written_for_the_review_are_frozen_with_it(t):
    review = make_review(t, resources="Thiếu 2 công chức tại bộ phận một cửa.")
    review = hold(t, review)
    with pytest.raises(ValidationError):
        services.review_update(acting_user=t.ward1_mr, review=review, resources="Đã đủ.")
    frozen = {e["key"]: e for e in review.snapshot["inputs"]}
    assert frozen["resources"]["text"] == "Thiếu 2 công chức tại bộ phận một cửa."
    services.review_update(acting_user=t.ward1_mr, review=review, conclusions="Phù hợp.")


def test_the_meeting_is_not_held_before_its_date(t):
    review = make_review(t, meeting_on=timezone.localdate() + timedelta(days=3),
                         period_end=timezone.localdate())
    with pytest.raises(TransitionError, match="before its date"):
        hold(t, review)


def test_only_someone_who_may_sign_is_named_chair(t):
    with pytest.raises(ValidationError) as error:
        make_review(t, chair=t.ward1_staff)
    assert "chair" in error.value.error_dict


def test_signing_the_minutes_needs_the_chairs_password(t):
    review = hold(t, make_review(t))
    services.review_update(acting_user=t.ward1_mr, review=review, conclusions="Phù hợp.")
    with pytest.raises(TransitionError, match="password"):
        services.review_transition(acting_user=t.ward1_mr, review=review, name="sign", password="wrong")
    review.refresh_from_db()
    assert review.status == ManagementReview.Status.HELD
    review = sign(t, review)
    assert review.status == ManagementReview.Status.SIGNED and review.signed_at
    record = TransitionRecord.objects.get(object_id=review.pk, transition="sign")
    assert record.signature_meaning == "minutes_signed" and record.actor == t.ward1_mr


def test_only_the_chair_signs_and_only_with_conclusions(t):
    other_mr = factories.make_user(f"{t.prefix}mr2", t.ward1)
    factories.assign(other_mr, "management_representative", t.ward1)
    review = hold(t, make_review(t))
    with pytest.raises(TransitionError, match="conclusions"):
        services.review_transition(acting_user=t.ward1_mr, review=review, name="sign", password=t.password)
    services.review_update(acting_user=t.ward1_mr, review=review, conclusions="Phù hợp.")
    with pytest.raises(TransitionError, match="chair"):
        services.review_transition(acting_user=other_mr, review=review, name="sign", password=t.password)


def test_the_signature_shows_on_the_page_with_name_time_and_meaning(t, client):
    review = sign(t, hold(t, make_review(t)))
    client.force_login(t.ward1_mr)
    html = client.get(review.get_absolute_url()).content.decode()
    assert "Minutes signed (chair)" in html and t.ward1_mr.full_name in html
    assert "Minutes signed (chair)" in pdf_text(client, review)


def test_decisions_are_recorded_only_between_holding_and_signing(t):
    review = make_review(t)
    with pytest.raises(ValidationError, match="once the meeting is held"):
        add_decision(t, review)
    review = hold(t, review)
    add_decision(t, review)
    review = sign(t, review)
    with pytest.raises(ValidationError, match="once the meeting is held"):
        add_decision(t, review)


def test_a_decision_needs_an_owner_who_can_sign_in_and_a_due_date_after_the_meeting(t):
    review = hold(t, make_review(t))
    with pytest.raises(ValidationError) as error:
        add_decision(t, review, due_in=-1)
    assert "due_on" in error.value.error_dict
    gone = factories.make_user(f"{t.prefix}gone", t.ward1)
    gone = qms_services.user_set_active(acting_user=t.superuser, user=gone, active=False) or gone
    gone.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        add_decision(t, review, owner=gone)
    assert "owner" in error.value.error_dict
    assert not ReviewDecision.objects.filter(review=review).exists()


def test_the_owner_records_their_decision_done_and_nobody_else_outside_the_review(t):
    review = hold(t, make_review(t))
    decision = add_decision(t, review)
    with pytest.raises(PermissionDenied):
        services.decision_complete(acting_user=t.ward1_staff, decision=decision, note="Xong")
    with pytest.raises(ValidationError):
        services.decision_complete(acting_user=t.owner, decision=decision, note=" ")
    done = services.decision_complete(acting_user=t.owner, decision=decision, note="Đã rút ngắn còn 3 ngày.")
    assert done.status == ReviewDecision.Status.DONE and done.done_on == timezone.localdate()
    with pytest.raises(ValidationError, match="already"):
        services.decision_complete(acting_user=t.owner, decision=decision, note="Lần nữa")
    assert done.history.count() == 2


def test_a_decision_is_cancelled_with_a_reason_by_whoever_keeps_the_review_not_its_owner(t):
    review = hold(t, make_review(t))
    decision = add_decision(t, review)
    with pytest.raises(PermissionDenied):
        services.decision_cancel(acting_user=t.owner, decision=decision, reason="Không cần")
    with pytest.raises(ValidationError):
        services.decision_cancel(acting_user=t.ward1_mr, decision=decision, reason="")
    cancelled = services.decision_cancel(acting_user=t.ward1_mr, decision=decision, reason="Đã có trong kế hoạch khác.")
    assert cancelled.status == ReviewDecision.Status.CANCELLED and cancelled.note == "Đã có trong kế hoạch khác."


def test_the_next_review_shows_the_status_of_previous_actions(t, client):
    first = hold(t, make_review(t, meeting_on=timezone.localdate() - timedelta(days=10)))
    open_one = add_decision(t, first, description="Bổ sung nhân sự một cửa")
    done_one = add_decision(t, first, description="Cập nhật quy trình cấp phép")
    services.decision_complete(acting_user=t.owner, decision=done_one, note="Đã ban hành lần 3.")
    sign(t, first)
    second = make_review(t, unit=t.district, chair=t.superuser)
    data = {e["key"]: e for e in compile_inputs(second)}["previous_actions"]["data"]
    assert (data["open"], data["done"], data["total"]) == (1, 1, 2)
    assert {row["description"] for row in data["listed"]} == {open_one.description, done_one.description}
    client.force_login(t.superuser)
    html = inputs_html(client, second)
    assert "Bổ sung nhân sự một cửa" in html and "Đã ban hành lần 3." in html
    # a review elsewhere in the tree does not see them
    elsewhere = make_review(t, unit=t.agency, chair=t.superuser)
    assert {e["key"]: e for e in compile_inputs(elsewhere)}["previous_actions"]["data"]["total"] == 0


def test_each_input_reads_the_subtree_in_a_constant_number_of_queries(t, django_assert_max_num_queries):
    review = make_review(t, unit=t.city, chair=t.superuser)
    with django_assert_max_num_queries(34) as small:  # every registered input: a few queries each
        compile_inputs(review)
    for i in range(6):
        raise_nc(t, unit=[t.ward1, t.ward2, t.division][i % 3], title=f"NC {i}")
        held = hold(t, make_review(t, unit=t.ward1))
        add_decision(t, held)
    with django_assert_max_num_queries(len(small.captured_queries)):
        compile_inputs(review)
