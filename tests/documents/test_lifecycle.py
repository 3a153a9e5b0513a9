"""Change requests, periodic review with its reminders, and the legal register flagging the
documents that cite a law whose status changed."""

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from documents import selectors, services
from documents.models import ChangeRequest, Document, LegalDocument, PeriodicReview, Revision
from qms_portal.models import Notification
from qms_portal.notifications import render
from qms_portal.outbox import send_notification_email
from qms_portal.permissions import can
from qms_portal.workflow import TransitionError
from tests.documents.factories import (
    draft_of,
    drive_to_effective,
    effective_document,
    legal,
    new_document,
    next_revision,
)
from tests.factories import make_superuser

pytestmark = pytest.mark.django_db


def recipients_of(kind):
    return set(Notification.objects.filter(kind=kind).values_list("recipient", flat=True))


# --- Change requests ----------------------------------------------------------------------------


class TestChangeRequests:
    def propose(self, ds, document, user=None, reason="Bổ sung bước kiểm tra chữ ký số"):
        return services.change_request_create(acting_user=user or ds.reviewer1, document=document, reason=reason)

    def test_anyone_who_sees_an_effective_document_may_propose_a_change(self, ds):
        document = effective_document(ds)
        request = self.propose(ds, document)
        assert (request.status, request.requester, request.document) == ("open", ds.reviewer1, document)
        # the owner and whoever decides change requests on the unit are told; not the requester
        assert recipients_of("changerequest_submitted") == {ds.approver.pk, ds.author.pk, ds.mr.pk}

    def test_someone_who_cannot_see_the_document_cannot_propose(self, ds):
        document = effective_document(ds)
        with pytest.raises(PermissionDenied):
            self.propose(ds, document, user=ds.outsider)
        assert not ChangeRequest.objects.exists()

    def test_a_recipient_from_another_unit_may_propose_and_follow_the_request(self, ds):
        document = new_document(ds)
        services.distribution_add(acting_user=ds.author, document=document, person=ds.outsider)
        drive_to_effective(ds, draft_of(document))
        request = self.propose(ds, Document.objects.get(pk=document.pk), user=ds.outsider)
        assert can(ds.outsider, "view", request)
        assert not can(ds.outsider, "view", self.propose(ds, Document.objects.get(pk=document.pk)))

    def test_only_an_effective_document_takes_proposals(self, ds):
        draft_only = new_document(ds)
        with pytest.raises(ValidationError, match="effective"):
            self.propose(ds, draft_only)
        withdrawn = effective_document(ds)
        services.revision_transition(acting_user=ds.author, revision=withdrawn.current_revision, name="withdraw",
                                     reason="Bãi bỏ")
        with pytest.raises(ValidationError, match="effective"):
            self.propose(ds, Document.objects.get(pk=withdrawn.pk))
        assert not ChangeRequest.objects.exists()

    def test_a_proposal_needs_its_reason(self, ds):
        with pytest.raises(ValidationError):
            self.propose(ds, effective_document(ds), reason="")
        assert not ChangeRequest.objects.exists()

    def test_accepting_opens_a_draft_with_the_proposed_reason(self, ds):
        document = effective_document(ds)
        request = self.propose(ds, document)
        services.change_request_transition(acting_user=ds.author, change_request=request, name="accept")
        request.refresh_from_db()
        draft = request.new_revision
        assert request.status == "accepted"
        assert (draft.number, draft.status, draft.reason, draft.author) == (
            2, Revision.Status.DRAFT, "Bổ sung bước kiểm tra chữ ký số", ds.author)
        assert recipients_of("changerequest_accepted") == {ds.reviewer1.pk}

    def test_accepting_while_a_revision_is_already_open_changes_nothing(self, ds):
        document = effective_document(ds)
        services.revision_create_draft(acting_user=ds.author, document=document, reason="Đang sửa")
        request = self.propose(ds, document)
        with pytest.raises(ValidationError, match="in progress"):
            services.change_request_transition(acting_user=ds.author, change_request=request, name="accept")
        request.refresh_from_db()
        assert (request.status, request.new_revision) == ("open", None)
        assert document.revisions.count() == 2

    def test_declining_needs_a_reason_and_tells_the_requester(self, ds):
        request = self.propose(ds, effective_document(ds))
        with pytest.raises(TransitionError, match="reason"):
            services.change_request_transition(acting_user=ds.approver, change_request=request, name="decline")
        request.refresh_from_db()
        assert request.status == "open"
        services.change_request_transition(acting_user=ds.approver, change_request=request, name="decline",
                                           reason="Đã có trong quy trình QT-03")
        request.refresh_from_db()
        assert request.status == "declined"
        told = Notification.objects.get(kind="changerequest_declined")
        assert told.recipient == ds.reviewer1 and told.params["reason"] == "Đã có trong quy trình QT-03"
        assert request.document.revisions.count() == 1

    def test_a_decider_who_may_not_write_the_units_documents_can_only_decline(self, ds, client_for):
        # the management representative decides change requests but writes no documents: accepting
        # (which opens a draft in their name) is refused with a clear message, not a 403
        request = self.propose(ds, effective_document(ds))
        with pytest.raises(TransitionError, match="document controller"):
            services.change_request_transition(acting_user=ds.mr, change_request=request, name="accept")
        request.refresh_from_db()
        assert (request.status, request.new_revision) == ("open", None)
        offered = [t.name for t in ChangeRequest.workflow.available(request, ds.mr)]
        assert offered == ["decline"]
        response = client_for(ds.mr).post(
            reverse("documents:changerequest_transition", args=[request.pk, "accept"]), {})
        assert response.status_code == 200 and "document controller" in response.content.decode()
        services.change_request_transition(acting_user=ds.mr, change_request=request, name="decline", reason="Chưa cần")
        assert ChangeRequest.objects.get(pk=request.pk).status == "declined"

    def test_staff_cannot_decide(self, ds):
        request = self.propose(ds, effective_document(ds), user=ds.staff)  # a reader of the office
        for name in ("accept", "decline"):
            with pytest.raises(PermissionDenied):
                services.change_request_transition(acting_user=ds.reviewer2, change_request=request, name=name,
                                                   reason="x")
        request.refresh_from_db()
        assert request.status == "open"


# --- Periodic review ----------------------------------------------------------------------------


class TestPeriodicReview:
    def record(self, ds, document, outcome, notes="", user=None):
        return services.periodic_review_record(acting_user=user or ds.approver, document=document, outcome=outcome,
                                               notes=notes)

    def test_still_valid_moves_the_next_review_on_and_clears_review_required(self, ds):
        law = legal()
        document = effective_document(ds, legal_refs=[law], review_months=24)
        services.legal_document_save(acting_user=make_superuser(), legal=law, status=LegalDocument.Status.AMENDED)
        assert Document.objects.get(pk=document.pk).review_required
        review = self.record(ds, document, PeriodicReview.Outcome.VALID, notes="Vẫn phù hợp")
        document = Document.objects.get(pk=document.pk)
        assert document.next_review_date == timezone.localdate() + relativedelta(months=24)
        assert not document.review_required
        assert (review.outcome, review.reviewed_by, review.reviewed_on) == ("valid", ds.approver,
                                                                           timezone.localdate())

    def test_revise_opens_a_new_draft_with_the_notes_as_reason(self, ds):
        document = effective_document(ds)
        self.record(ds, document, PeriodicReview.Outcome.REVISE, notes="Cập nhật theo Nghị định 61")
        draft = document.revisions.get(status=Revision.Status.DRAFT)
        assert (draft.number, draft.reason, draft.author) == (2, "Cập nhật theo Nghị định 61", ds.approver)
        assert Document.objects.get(pk=document.pk).current_revision.number == 1

    def test_withdraw_needs_notes_and_withdraws_the_document(self, ds):
        document = effective_document(ds)
        with pytest.raises(ValidationError):
            self.record(ds, document, PeriodicReview.Outcome.WITHDRAW, user=ds.author)
        assert not PeriodicReview.objects.exists()
        self.record(ds, document, PeriodicReview.Outcome.WITHDRAW, notes="Không còn áp dụng", user=ds.author)
        document = Document.objects.get(pk=document.pk)
        assert document.is_withdrawn
        assert document.current_revision.status == Revision.Status.OBSOLETE

    def test_only_an_effective_document_is_reviewed(self, ds):
        with pytest.raises(ValidationError):
            self.record(ds, new_document(ds), PeriodicReview.Outcome.VALID)
        assert not PeriodicReview.objects.exists()

    def test_staff_cannot_record_a_periodic_review(self, ds):
        document = effective_document(ds)
        with pytest.raises(PermissionDenied):
            self.record(ds, document, PeriodicReview.Outcome.VALID, user=ds.staff)
        assert not PeriodicReview.objects.exists()


class TestPeriodicReviewReminders:
    def test_reminders_at_30_and_7_days_and_when_overdue_once_each(self, ds):
        document = effective_document(ds)
        due = document.next_review_date

        def sweep(today):
            return services.documents_remind_reviews(today=today).claimed

        assert sweep(today=due - timedelta(days=31)) == 0
        assert sweep(today=due - timedelta(days=30)) == 1
        assert sweep(today=due - timedelta(days=30)) == 0  # beat fired twice
        assert sweep(today=due - timedelta(days=20)) == 0  # still the 30-day reminder
        assert sweep(today=due - timedelta(days=7)) == 1
        assert sweep(today=due - timedelta(days=3)) == 0
        assert sweep(today=due) == 0
        assert sweep(today=due + timedelta(days=1)) == 1
        assert sweep(today=due + timedelta(days=9)) == 0
        people = {ds.approver.pk, ds.author.pk}  # the process owner and who may record the review
        assert Notification.objects.filter(kind="reviews_due").count() == 3 * len(people)
        assert recipients_of("reviews_due") == people
        message = Notification.objects.filter(kind="reviews_due").first()
        rendered = render(message)
        assert rendered.title == "Periodic review due for 1 document"
        assert rendered.items == [(str(document), document.get_absolute_url(), date_format(due, "DATE_FORMAT"))]
        assert message.url == reverse("documents:register") + "?status=review_due"

    def test_an_owner_of_many_documents_gets_one_message_listing_them(self, ds):
        documents = [effective_document(ds, title=f"Quy trình {n}") for n in range(4)]
        due = max(d.next_review_date for d in documents)
        result = services.documents_remind_reviews(today=due + timedelta(days=1))
        assert (result.claimed, result.messages) == (4, 2)
        for user in (ds.approver, ds.author):
            [message] = Notification.objects.filter(kind="reviews_due", recipient=user)
            assert render(message).title == "Periodic review due for 4 documents"
            assert sorted(ref["pk"] for ref in message.params["objects"]["$list"]) == sorted(d.pk for d in documents)

    def test_a_late_first_sweep_sends_the_stage_it_finds(self, ds):
        from qms_portal.models import ReminderClaim

        document = effective_document(ds)
        assert services.documents_remind_reviews(today=document.next_review_date + timedelta(days=100)).claimed == 1
        assert list(ReminderClaim.objects.values_list("kind", "object_id", "stage", "due")) == [
            ("review_due", document.pk, "overdue", document.next_review_date)]

    def test_a_new_review_date_starts_a_new_round(self, ds):
        document = effective_document(ds, review_months=1, effective_date=timezone.localdate() - timedelta(days=20))
        due = document.next_review_date
        assert services.documents_remind_reviews(today=due - timedelta(days=7)).claimed == 1
        services.periodic_review_record(acting_user=ds.approver, document=document, outcome="valid")
        new_due = Document.objects.get(pk=document.pk).next_review_date
        assert new_due != due
        assert services.documents_remind_reviews(today=new_due - timedelta(days=7)).claimed == 1

    def test_withdrawn_documents_are_not_reminded(self, ds):
        document = effective_document(ds)
        services.revision_transition(acting_user=ds.author, revision=document.current_revision, name="withdraw",
                                     reason="Bãi bỏ")
        assert services.documents_remind_reviews(today=document.next_review_date + timedelta(days=1)).claimed == 0


# --- Legal register -----------------------------------------------------------------------------


class TestLegalRegister:
    def test_a_status_change_flags_the_effective_documents_citing_it(self, ds):
        law, other_law = legal(number="19/2014/QĐ-TTg"), legal(number="101/2020/NĐ-CP")
        citing = effective_document(ds, legal_refs=[law, other_law], title="Quy trình ISO")
        not_citing = effective_document(ds, legal_refs=[other_law], title="Quy trình khác")
        draft_citing = new_document(ds)
        services.revision_save_draft(acting_user=ds.author, revision=draft_of(draft_citing), lock_version=0,
                                     content="<p>x</p>", legal_refs=[law])
        assert list(selectors.affected_documents(law)) == [citing]

        services.legal_document_save(acting_user=make_superuser(), legal=law, status=LegalDocument.Status.REPLACED,
                                     replaced_by=legal(number="25/2025/QĐ-TTg"))
        flagged = set(Document.objects.filter(review_required=True).values_list("pk", flat=True))
        assert flagged == {citing.pk}
        message = Notification.objects.get(kind="legal_review_required")
        assert (message.recipient, message.params["legal"]) == (citing.process_owner, "19/2014/QĐ-TTg")
        assert message.url == reverse("documents:register") + "?status=review_required"
        assert render(message).title == "1 document needs review: 19/2014/QĐ-TTg is now Replaced"
        assert render(message).items == [(str(citing), citing.get_absolute_url(), "")]
        assert not_citing.pk not in flagged and draft_citing.pk not in flagged

    def test_an_owner_citing_it_in_many_documents_gets_one_message_listing_them(self, ds):
        law = legal(number="19/2014/QĐ-TTg")
        citing = [effective_document(ds, legal_refs=[law], title=f"Quy trình {n}") for n in range(5)]
        mail.outbox.clear()
        services.legal_document_save(acting_user=make_superuser(), legal=law, status=LegalDocument.Status.REPLACED)
        [message] = Notification.objects.filter(kind="legal_review_required")
        assert message.recipient == citing[0].process_owner
        rendered = render(message)
        assert rendered.title == "5 documents need review: 19/2014/QĐ-TTg is now Replaced"
        assert sorted(label for label, _url, _note in rendered.items) == sorted(str(d) for d in citing)
        # the e-mail lists them too, once
        send_notification_email(message.pk)
        [email] = mail.outbox
        assert email.subject == rendered.title
        assert all(str(d) in email.body for d in citing)
        # saving the same status again flags nothing new and sends nothing new
        services.legal_document_save(acting_user=make_superuser(), legal=LegalDocument.objects.get(pk=law.pk),
                                     title="Quyết định đã được thay thế")
        assert Notification.objects.filter(kind="legal_review_required").count() == 1

    def test_saving_without_a_status_change_flags_nothing(self, ds):
        law = legal()
        document = effective_document(ds, legal_refs=[law])
        services.legal_document_save(acting_user=make_superuser(), legal=law, title="Tên mới của quyết định")
        assert not Document.objects.get(pk=document.pk).review_required
        assert not Notification.objects.filter(kind="legal_review_required").exists()

    def test_a_superseded_revision_citing_it_does_not_count(self, ds):
        law = legal()
        document = effective_document(ds, legal_refs=[law])
        next_revision(ds, document, legal_refs=[])
        assert not selectors.affected_documents(law).exists()
        services.legal_document_save(acting_user=make_superuser(), legal=law, status=LegalDocument.Status.REPEALED)
        assert not Document.objects.get(pk=document.pk).review_required

    def test_a_new_effective_revision_clears_the_flag(self, ds):
        law = legal()
        document = effective_document(ds, legal_refs=[law])
        services.legal_document_save(acting_user=make_superuser(), legal=law, status=LegalDocument.Status.AMENDED)
        assert Document.objects.get(pk=document.pk).review_required
        next_revision(ds, document, reason="Cập nhật căn cứ pháp lý")
        assert not Document.objects.get(pk=document.pk).review_required

    def test_only_who_keeps_the_legal_register_changes_it(self, ds):
        law = legal()
        for user in (ds.staff, ds.approver):
            with pytest.raises(PermissionDenied):
                services.legal_document_save(acting_user=user, legal=law, status=LegalDocument.Status.REPEALED)
        services.legal_document_save(acting_user=ds.author, legal=law, status=LegalDocument.Status.AMENDED)
        assert LegalDocument.objects.get(pk=law.pk).status == "amended"
