"""Management reviews for the review part's tests, made through the services."""

from datetime import timedelta

from django.utils import timezone

from objectives.services import review as services
from tests import factories


def review_tree():
    """``small_tree`` plus: ward1's management representative chairs (t.ward1_mr); an ISO officer
    on ward1 (t.officer); a decision owner with no role on ward1 (t.owner); a participant from the
    district (t.participant)."""
    t = factories.small_tree()
    t.officer = factories.make_user(f"{t.prefix}officer", t.ward1, full_name="Officer")
    factories.assign(t.officer, "document_controller", t.ward1)
    t.owner = factories.make_user(f"{t.prefix}owner", t.ward1, full_name="Decision Owner")
    t.participant = factories.make_user(f"{t.prefix}participant", t.district, full_name="Participant")
    return t


def make_review(t, unit=None, chair=None, meeting_on=None, participants=(), acting_user=None, **fields):
    today = timezone.localdate()
    meeting_on = meeting_on or today
    fields.setdefault("title", "Xem xét của lãnh đạo năm")
    return services.review_create(
        acting_user=acting_user or t.superuser, unit=unit or t.ward1, meeting_on=meeting_on,
        period_start=fields.pop("period_start", meeting_on - timedelta(days=365)),
        period_end=fields.pop("period_end", meeting_on), chair=chair or t.ward1_mr, participants=participants,
        **fields)


def hold(t, review, user=None):
    services.review_transition(acting_user=user or t.ward1_mr, review=review, name="hold")
    review.refresh_from_db()
    return review


def add_decision(t, review, owner=None, due_in=30, user=None, **fields):
    return services.decision_add(acting_user=user or t.ward1_mr, review=review,
                                 kind=fields.pop("kind", "improvement"),
                                 description=fields.pop("description", "Rút ngắn thời gian trả kết quả"),
                                 owner=owner or t.owner, due_on=review.meeting_on + timedelta(days=due_in))


def sign(t, review, user=None, password=None):
    review = services.review_update(acting_user=user or t.ward1_mr, review=review,
                                    conclusions="Hệ thống phù hợp và có hiệu lực.")
    services.review_transition(acting_user=user or t.ward1_mr, review=review, name="sign",
                               password=password if password is not None else t.password)
    review.refresh_from_db()
    return review
