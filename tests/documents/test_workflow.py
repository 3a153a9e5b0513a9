"""The life of a revision: draft → in review → approved → effective → superseded / obsolete, with
every guard on the way."""

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from documents import services
from documents.models import Document, ReviewerAssignment, Revision
from qms_portal.models import Notification, TransitionRecord
from qms_portal.workflow import TransitionError, transitions_of
from tests.documents.factories import (
    accept_all,
    approve,
    draft_of,
    drive_to_effective,
    effective_document,
    new_document,
    next_revision,
    save_draft,
    submit,
)
from tests.factories import PASSWORD, make_superuser

pytestmark = pytest.mark.django_db
S = Revision.Status


def fresh(revision):
    return Revision.objects.get(pk=revision.pk)


def names(revision):
    return [t.transition for t in transitions_of(revision)]


def in_review(ds, reviewers=None, **draft):
    document = new_document(ds)
    revision = save_draft(ds, draft_of(document), **draft)
    submit(ds, revision, reviewers)
    return fresh(revision)


def transition(user, revision, name, **kw):
    return services.revision_transition(acting_user=user, revision=revision, name=name, **kw)


# --- Submit -------------------------------------------------------------------------------------


class TestSubmit:
    def test_it_needs_a_named_reviewer(self, ds):
        revision = save_draft(ds, draft_of(new_document(ds)))
        with pytest.raises(TransitionError, match="reviewer"):
            transition(ds.author, revision, "submit")
        assert fresh(revision).status == S.DRAFT
        assert names(revision) == []

    def test_it_needs_content_or_a_source_file(self, ds):
        revision = save_draft(ds, draft_of(new_document(ds)), content="  ")
        services.revision_set_reviewers(acting_user=ds.author, revision=revision, reviewers=[ds.reviewer1])
        with pytest.raises(TransitionError, match="content"):
            transition(ds.author, revision, "submit")
        assert fresh(revision).status == S.DRAFT

    def test_the_first_revision_needs_no_reason(self, ds):
        revision = in_review(ds, reason="")
        assert revision.status == S.IN_REVIEW
        assert names(revision) == ["submit"]

    def test_from_the_second_revision_on_it_needs_the_reason_for_change(self, ds):
        document = effective_document(ds)
        revision = services.revision_create_draft(acting_user=ds.author, document=document)
        save_draft(ds, revision, reason="   ")
        services.revision_set_reviewers(acting_user=ds.author, revision=revision, reviewers=[ds.reviewer1])
        with pytest.raises(TransitionError, match="reason"):
            transition(ds.author, revision, "submit")
        assert fresh(revision).status == S.DRAFT
        save_draft(ds, revision, reason="Nghị định mới thay thế quy định cũ")
        transition(ds.author, revision, "submit")
        assert fresh(revision).status == S.IN_REVIEW

    def test_staff_cannot_submit(self, ds):
        revision = save_draft(ds, draft_of(new_document(ds)))
        services.revision_set_reviewers(acting_user=ds.author, revision=revision, reviewers=[ds.reviewer1])
        with pytest.raises(PermissionDenied):
            transition(ds.staff, revision, "submit")
        assert fresh(revision).status == S.DRAFT

    def test_it_asks_each_reviewer_to_review(self, ds):
        in_review(ds)
        asked = Notification.objects.filter(kind="revision_review_requested")
        assert set(asked.values_list("recipient", flat=True)) == {ds.reviewer1.pk, ds.reviewer2.pk}

    def test_the_author_cannot_be_a_reviewer(self, ds):
        revision = draft_of(new_document(ds))
        with pytest.raises(ValidationError, match="author"):
            services.revision_set_reviewers(acting_user=ds.author, revision=revision,
                                            reviewers=[ds.reviewer1, ds.author])
        assert not revision.reviewers.exists()

    def test_reviewers_cannot_be_changed_once_submitted(self, ds):
        revision = in_review(ds, reviewers=[ds.reviewer1])
        with pytest.raises(ValidationError):
            services.revision_set_reviewers(acting_user=ds.author, revision=revision, reviewers=[ds.reviewer2])
        assert list(revision.reviewers.values_list("reviewer", flat=True)) == [ds.reviewer1.pk]

    def test_a_removed_reviewer_loses_the_grant(self, ds):
        revision = save_draft(ds, draft_of(new_document(ds)))
        services.revision_set_reviewers(acting_user=ds.author, revision=revision, reviewers=[ds.reviewer1])
        services.revision_set_reviewers(acting_user=ds.author, revision=revision, reviewers=[ds.reviewer2])
        transition(ds.author, revision, "submit")
        with pytest.raises(PermissionDenied):
            transition(ds.reviewer1, revision, "accept", password=PASSWORD)
        transition(ds.reviewer2, revision, "accept", password=PASSWORD)  # the one still named


# --- Review -------------------------------------------------------------------------------------


class TestReview:
    @pytest.mark.parametrize("password", [None, "", "wrong-password-1"])
    def test_accepting_needs_the_password_and_a_wrong_one_records_nothing(self, ds, password):
        revision = in_review(ds)
        with pytest.raises(TransitionError, match="password"):
            transition(ds.reviewer1, revision, "accept", password=password)
        assignment = revision.reviewers.get(reviewer=ds.reviewer1)
        assert (assignment.decision, assignment.decided_at) == (ReviewerAssignment.Decision.PENDING, None)
        assert names(revision) == ["submit"]

    def test_accepting_records_a_reviewed_signature(self, ds):
        revision = in_review(ds)
        transition(ds.reviewer1, revision, "accept", password=PASSWORD, reason="Đúng quy định")
        record = transitions_of(revision).get(transition="accept")
        assert (record.from_state, record.to_state, record.signature_meaning) == (S.IN_REVIEW, S.IN_REVIEW,
                                                                                 "reviewed")
        assert record.actor == ds.reviewer1 and record.actor_name == ds.reviewer1.full_name
        assignment = revision.reviewers.get(reviewer=ds.reviewer1)
        assert assignment.decision == ReviewerAssignment.Decision.ACCEPTED
        assert assignment.comment == "Đúng quy định" and assignment.decided_at is not None
        assert fresh(revision).status == S.IN_REVIEW  # the other reviewer has not decided

    def test_a_reviewer_decides_once(self, ds):
        revision = in_review(ds)
        transition(ds.reviewer1, revision, "accept", password=PASSWORD)
        with pytest.raises(TransitionError):
            transition(ds.reviewer1, revision, "accept", password=PASSWORD)
        with pytest.raises(TransitionError):
            transition(ds.reviewer1, revision, "request_changes", reason="Thay đổi ý kiến")

    def test_someone_who_was_not_named_cannot_review(self, ds):
        revision = in_review(ds, reviewers=[ds.reviewer1])
        for user in (ds.reviewer2, ds.staff, ds.outsider):
            with pytest.raises(PermissionDenied):
                transition(user, revision, "accept", password=PASSWORD)
        assert names(revision) == ["submit"]

    def test_the_author_cannot_review_their_own_revision(self, ds):
        # Even with a grant slipped in beside the service, the author's decision is refused.
        from qms_portal import permissions

        revision = in_review(ds, reviewers=[ds.reviewer1])
        permissions.grant(ds.author, "documents.review_revision", revision)
        ReviewerAssignment.objects.create(revision=revision, reviewer=ds.author)
        with pytest.raises(TransitionError):
            transition(ds.author, revision, "accept", password=PASSWORD)

    def test_requesting_changes_needs_a_reason(self, ds):
        revision = in_review(ds)
        with pytest.raises(TransitionError, match="reason"):
            transition(ds.reviewer2, revision, "request_changes", reason="  ")
        assert fresh(revision).status == S.IN_REVIEW

    def test_requesting_changes_returns_the_revision_to_draft_with_the_comment(self, ds):
        revision = in_review(ds)
        transition(ds.reviewer1, revision, "accept", password=PASSWORD)
        transition(ds.reviewer2, revision, "request_changes", reason="Bước 3 thiếu thời hạn")
        revision = fresh(revision)
        assert revision.status == S.DRAFT
        assignment = revision.reviewers.get(reviewer=ds.reviewer2)
        assert (assignment.decision, assignment.comment) == ("changes", "Bước 3 thiếu thời hạn")
        told = Notification.objects.get(kind="revision_changes_requested")
        assert told.recipient == ds.author and "Bước 3 thiếu thời hạn" in told.params["reason"]
        record = transitions_of(revision).get(transition="request_changes")
        assert (record.from_state, record.to_state, record.reason) == (S.IN_REVIEW, S.DRAFT,
                                                                       "Bước 3 thiếu thời hạn")

    def test_a_resubmission_asks_every_reviewer_again(self, ds):
        revision = in_review(ds)
        transition(ds.reviewer1, revision, "accept", password=PASSWORD)
        transition(ds.reviewer2, revision, "request_changes", reason="Sửa bước 2")
        save_draft(ds, revision, content="<p>Đã sửa bước 2</p>")
        transition(ds.author, revision, "submit")
        decisions = set(fresh(revision).reviewers.values_list("decision", flat=True))
        assert decisions == {ReviewerAssignment.Decision.PENDING}
        with pytest.raises(TransitionError, match="reviewer"):
            approve(ds, revision)


# --- Approval -----------------------------------------------------------------------------------


class TestApproval:
    def test_it_waits_until_every_reviewer_has_accepted(self, ds):
        revision = in_review(ds)
        transition(ds.reviewer1, revision, "accept", password=PASSWORD)
        with pytest.raises(TransitionError, match="reviewer"):
            approve(ds, revision)
        assert fresh(revision).status == S.IN_REVIEW
        transition(ds.reviewer2, revision, "accept", password=PASSWORD)
        approve(ds, revision)
        assert fresh(revision).status == S.APPROVED

    def test_the_approvers_are_told_once_every_reviewer_has_accepted(self, ds):
        revision = in_review(ds)
        transition(ds.reviewer1, revision, "accept", password=PASSWORD)
        assert not Notification.objects.filter(kind="revision_approval_requested").exists()
        transition(ds.reviewer2, revision, "accept", password=PASSWORD)
        told = set(Notification.objects.filter(kind="revision_approval_requested").values_list("recipient",
                                                                                                flat=True))
        assert told == {ds.approver.pk, ds.mr.pk}  # both may approve on the unit; never the author

    def test_the_author_cannot_approve_their_own_revision(self, ds):
        # the department head writes a procedure and may approve others' — not this one
        document = new_document(ds, author=ds.approver)
        revision = save_draft(ds, draft_of(document))
        submit(ds, revision, [ds.reviewer1])
        accept_all(ds, revision, [ds.reviewer1])
        with pytest.raises(TransitionError, match="author"):
            approve(ds, revision, approver=ds.approver)
        assert fresh(revision).status == S.IN_REVIEW
        assert fresh(revision).approver is None
        approve(ds, revision, approver=ds.mr)
        assert fresh(revision).status == S.APPROVED

    def test_it_needs_the_effective_date(self, ds):
        revision = in_review(ds, effective_date=None)
        accept_all(ds, revision, [ds.reviewer1, ds.reviewer2])
        with pytest.raises(TransitionError, match="effective date"):
            approve(ds, revision)
        assert fresh(revision).status == S.IN_REVIEW

    @pytest.mark.parametrize("password", [None, "wrong-password-1"])
    def test_it_needs_the_password(self, ds, password):
        revision = in_review(ds)
        accept_all(ds, revision, [ds.reviewer1, ds.reviewer2])
        with pytest.raises(TransitionError, match="password"):
            transition(ds.approver, revision, "approve", password=password)
        assert fresh(revision).status == S.IN_REVIEW
        assert "approve" not in names(revision)

    def test_staff_and_document_controllers_cannot_approve(self, ds):
        revision = in_review(ds)
        accept_all(ds, revision, [ds.reviewer1, ds.reviewer2])
        for user in (ds.staff, ds.reviewer1, ds.outsider):
            with pytest.raises(PermissionDenied):
                approve(ds, revision, approver=user)
        assert fresh(revision).status == S.IN_REVIEW

    def test_approval_records_an_approved_signature_and_the_approver(self, ds):
        revision = in_review(ds, effective_date=timezone.localdate() + timedelta(days=10))
        accept_all(ds, revision, [ds.reviewer1, ds.reviewer2])
        approve(ds, revision)
        revision = fresh(revision)
        assert (revision.status, revision.approver) == (S.APPROVED, ds.approver)
        record = transitions_of(revision).get(transition="approve")
        assert (record.signature_meaning, record.actor, record.to_state) == ("approved", ds.approver, S.APPROVED)
        assert names(revision) == ["submit", "accept", "accept", "approve"]
        assert Notification.objects.filter(kind="revision_approved", recipient=ds.author).exists()

    def test_approval_on_the_effective_date_publishes_at_once(self, ds, django_capture_on_commit_callbacks,
                                                              no_pdf):
        revision = in_review(ds)
        accept_all(ds, revision, [ds.reviewer1, ds.reviewer2])
        with django_capture_on_commit_callbacks(execute=True):
            approve(ds, revision)
        revision = fresh(revision)
        assert revision.status == S.EFFECTIVE
        assert Document.objects.get(pk=revision.document_id).current_revision == revision
        publish = transitions_of(revision).get(transition="publish")
        assert publish.actor.username == "system"


# --- Publication --------------------------------------------------------------------------------


class TestPublication:
    def approved(self, ds, effective_date):
        revision = in_review(ds, effective_date=effective_date)
        accept_all(ds, revision, [ds.reviewer1, ds.reviewer2])
        approve(ds, revision)
        return fresh(revision)

    def test_it_waits_for_the_effective_date(self, ds):
        today = timezone.localdate()
        revision = self.approved(ds, today + timedelta(days=10))
        assert services.revision_publish(revision=revision) is False
        assert services.revision_publish_due() == 0
        assert services.revision_publish_due(today=today + timedelta(days=9)) == 0
        assert fresh(revision).status == S.APPROVED
        assert services.revision_publish_due(today=today + timedelta(days=10)) == 1
        assert fresh(revision).status == S.EFFECTIVE
        assert services.revision_publish_due(today=today + timedelta(days=11)) == 0  # once

    def test_a_late_sweep_still_publishes(self, ds):
        today = timezone.localdate()
        revision = self.approved(ds, today + timedelta(days=3))
        assert services.revision_publish_due(today=today + timedelta(days=40)) == 1
        revision = fresh(revision)
        assert revision.status == S.EFFECTIVE
        document = revision.document
        assert document.effective_since == today + timedelta(days=3)  # the planned date, not the sweep's

    def test_publishing_sets_the_current_revision_and_the_next_review_date(self, ds):
        document = effective_document(ds, effective_date=date(2024, 8, 31), review_months=6)
        assert document.current_revision.number == 1
        assert document.effective_since == date(2024, 8, 31)
        assert document.next_review_date == date(2025, 2, 28)

    def test_the_next_revision_supersedes_the_previous_one(self, ds):
        document = effective_document(ds)
        rev1 = document.current_revision
        rev2 = next_revision(ds, document, content="<p>Phiên bản 2</p>")
        document = Document.objects.get(pk=document.pk)
        assert (fresh(rev1).status, rev2.status) == (S.SUPERSEDED, S.EFFECTIVE)
        assert document.current_revision == rev2
        assert document.next_review_date == rev2.effective_date + relativedelta(months=document.review_months)
        superseded = transitions_of(rev1).get(transition="supersede")
        published = transitions_of(rev2).get(transition="publish")
        assert (superseded.from_state, superseded.to_state) == (S.EFFECTIVE, S.SUPERSEDED)
        assert (published.from_state, published.to_state) == (S.APPROVED, S.EFFECTIVE)
        assert "02" in superseded.reason

    def test_the_next_draft_copies_content_steps_and_legal_basis(self, ds):
        from tests.documents.factories import legal, step

        law = legal()
        document = effective_document(ds, steps=[step("Tiếp nhận hồ sơ", 1), step("Thẩm định", 5)],
                                      legal_refs=[law], content="<p>Bản gốc</p>")
        draft = services.revision_create_draft(acting_user=ds.author, document=document, reason="Sửa đổi")
        assert (draft.number, draft.status, draft.reason, draft.content) == (2, S.DRAFT, "Sửa đổi", "<p>Bản gốc</p>")
        assert list(draft.steps.values_list("order", "title")) == [(1, "Tiếp nhận hồ sơ"), (2, "Thẩm định")]
        assert list(draft.legal_refs.all()) == [law]
        assert document.current_revision.steps.count() == 2  # the effective revision keeps its own

    def test_only_one_revision_is_open_at_a_time(self, ds):
        document = effective_document(ds)
        draft = services.revision_create_draft(acting_user=ds.author, document=document, reason="Lần 2")
        with pytest.raises(ValidationError, match="in progress"):
            services.revision_create_draft(acting_user=ds.author, document=document, reason="Lần 3")
        save_draft(ds, draft, reason="Lần 2")
        submit(ds, draft)
        with pytest.raises(ValidationError, match="in progress"):
            services.revision_create_draft(acting_user=ds.author, document=document, reason="Lần 3")
        assert document.revisions.count() == 2

    def test_the_database_refuses_a_second_open_revision(self, ds):
        from django.db import IntegrityError, transaction

        document = new_document(ds)
        with pytest.raises(IntegrityError), transaction.atomic():
            Revision.objects.create(document=document, number=2, author=ds.author)

    def test_an_effective_revision_cannot_be_edited(self, ds):
        document = effective_document(ds, content="<p>Đã ban hành</p>")
        revision = document.current_revision
        with pytest.raises(ValidationError, match="draft"):
            services.revision_save_draft(acting_user=ds.author, revision=revision,
                                         lock_version=revision.lock_version, content="<p>Sửa lén</p>")
        with pytest.raises(ValidationError):
            services.revision_set_reviewers(acting_user=ds.author, revision=revision, reviewers=[ds.reviewer2])
        assert fresh(revision).content == "<p>Đã ban hành</p>"
        assert fresh(revision).lock_version == revision.lock_version

    def test_an_approved_revision_cannot_be_edited_either(self, ds):
        revision = self.approved(ds, timezone.localdate() + timedelta(days=5))
        with pytest.raises(ValidationError):
            services.revision_save_draft(acting_user=ds.author, revision=revision,
                                         lock_version=revision.lock_version, content="<p>x</p>")


# --- Withdrawal ---------------------------------------------------------------------------------


class TestWithdrawal:
    def test_it_needs_a_reason(self, ds):
        document = effective_document(ds)
        with pytest.raises(TransitionError, match="reason"):
            transition(ds.author, document.current_revision, "withdraw", reason=" ")
        document.refresh_from_db()
        assert not document.is_withdrawn
        assert fresh(document.current_revision).status == S.EFFECTIVE

    def test_it_makes_the_document_obsolete_and_cancels_open_revisions(self, ds):
        document = effective_document(ds)
        current = document.current_revision
        draft = services.revision_create_draft(acting_user=ds.author, document=document, reason="Lần 2")
        transition(ds.author, current, "withdraw", reason="Thủ tục hành chính bị bãi bỏ")
        document.refresh_from_db()
        assert document.is_withdrawn
        assert document.status_label == "Obsolete"
        assert (fresh(current).status, fresh(draft).status) == (S.OBSOLETE, S.OBSOLETE)
        record = transitions_of(current).get(transition="withdraw")
        assert record.reason == "Thủ tục hành chính bị bãi bỏ"
        assert names(draft) == ["cancel"]
        with pytest.raises(ValidationError, match="withdrawn"):
            services.revision_create_draft(acting_user=ds.author, document=document, reason="Lần 3")

    def test_only_who_may_withdraw_does(self, ds):
        document = effective_document(ds)
        for user in (ds.staff, ds.approver, ds.outsider):  # a department head approves, does not withdraw
            with pytest.raises(PermissionDenied):
                transition(user, document.current_revision, "withdraw", reason="x")
        assert not Document.objects.get(pk=document.pk).is_withdrawn


# --- System transitions -------------------------------------------------------------------------


class TestSystemTransitions:
    @pytest.mark.parametrize("name", ["publish", "supersede", "cancel"])
    def test_a_person_cannot_trigger_them_they_are_unknown_actions_to_them(self, ds, name):
        """The service and the page agree: to a person (a superuser too) the portal's own
        transitions do not exist (the page answers 404, the service "Unknown action")."""
        today = timezone.localdate()
        revision = in_review(ds, effective_date=today + timedelta(days=1))
        accept_all(ds, revision, [ds.reviewer1, ds.reviewer2])
        approve(ds, revision)
        for user in (ds.author, ds.approver, ds.mr, make_superuser()):
            with pytest.raises(TransitionError, match="Unknown action"):
                transition(user, revision, name)
        assert fresh(revision).status == S.APPROVED

    def test_an_unknown_transition_is_refused(self, ds):
        revision = draft_of(new_document(ds))
        with pytest.raises(TransitionError):
            transition(ds.author, revision, "self_destruct")

    @pytest.mark.parametrize("name", ["publish", "supersede", "cancel"])
    def test_their_urls_do_not_exist(self, ds, client_for, name):
        revision = in_review(ds, effective_date=timezone.localdate())
        accept_all(ds, revision, [ds.reviewer1, ds.reviewer2])
        approve(ds, revision)
        url = reverse("documents:revision_transition", args=[revision.pk, name])
        assert url == f"/documents/revisions/{revision.pk}/{name}/"
        for user in (ds.author, ds.approver, make_superuser()):
            client = client_for(user)
            assert client.get(url).status_code == 404
            assert client.post(url, {"reason": "x", "password": PASSWORD}).status_code == 404
        assert fresh(revision).status == S.APPROVED


def test_the_whole_path_leaves_a_complete_trail(ds):
    document = new_document(ds)
    revision = drive_to_effective(ds, draft_of(document))
    trail = [(t.transition, t.from_state, t.to_state, t.signature_meaning) for t in transitions_of(revision)]
    assert trail == [
        ("submit", "draft", "in_review", ""),
        ("accept", "in_review", "in_review", "reviewed"),
        ("accept", "in_review", "in_review", "reviewed"),
        ("approve", "in_review", "approved", "approved"),
        ("publish", "approved", "effective", ""),
    ]
    assert TransitionRecord.objects.filter(object_id=revision.pk).count() >= 5
