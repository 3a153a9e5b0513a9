"""The announcement of conformity: its services (draft, edit, sign, supersede), the rules of the
register (current, scope changed, never announced, late) and the reminder."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import formats, timezone

from documents import services
from documents.announcements import announcement_register, announcement_scope, late_days, unit_status
from documents.models import Announcement, AnnouncementItem
from qms_portal.models import Notification, TransitionRecord
from qms_portal.notifications import render
from qms_portal.workflow import TransitionError
from tests.documents.factories import document_in, effective_document, new_document
from tests.factories import PASSWORD, assign, make_superuser, make_unit, make_user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def draft(ds, unit=None, number="12/QĐ-SNV", on=None, user=None):
    return services.announcement_create(acting_user=user or ds.mr, unit=unit or ds.dept, decision_number=number,
                                        decision_date=on or TODAY, scope="Tiếp nhận và giải quyết thủ tục hành chính")


def announce(ds, announcement, user=None):
    services.announcement_transition(acting_user=user or ds.mr, announcement=announcement, name="announce",
                                     password=PASSWORD)
    announcement.refresh_from_db()
    return announcement


def elsewhere(unit, title):
    """An effective document on a unit the documents world's people hold no role on."""
    return document_in(unit, author=make_superuser("ann-author"), reviewer=make_superuser("ann-reviewer"),
                       approver=make_superuser("ann-approver"), title=title)


def row(ds, today=TODAY, unit=None):
    return unit_status(unit or ds.dept, today=today)


# --- services ---------------------------------------------------------------------------------------


def test_signing_freezes_the_effective_documents_and_their_revisions(ds):
    procedure = effective_document(ds, title="Quy trình cấp phép")
    effective_document(ds, title="Biểu mẫu", type_code="BM")  # a form: not in the scope
    new_document(ds, title="Quy trình dự thảo")  # not effective: not in the scope
    announcement = announce(ds, draft(ds))
    assert announcement.status == Announcement.Status.ANNOUNCED
    assert announcement.announced_at is not None
    items = list(announcement.items.all())
    assert [(i.document_id, i.revision_id, i.code) for i in items] == [
        (procedure.pk, procedure.current_revision_id, procedure.code)]
    record = TransitionRecord.objects.get(object_id=announcement.pk, transition="announce")
    assert record.signature_meaning == "announced" and record.actor_id == ds.mr.pk
    # Frozen: a later revision of the document does not change what was announced.
    assert announcement.history.count() >= 2 and AnnouncementItem.history.count() == 1


def test_signing_needs_the_password_and_the_permission(ds):
    effective_document(ds)
    announcement = draft(ds)
    with pytest.raises(ValidationError):
        services.announcement_transition(acting_user=ds.mr, announcement=announcement, name="announce",
                                         password="wrong")
    with pytest.raises(PermissionDenied):
        services.announcement_transition(acting_user=ds.author, announcement=announcement, name="announce",
                                         password=PASSWORD)
    assert Announcement.objects.get(pk=announcement.pk).status == Announcement.Status.DRAFT


def test_only_the_management_representative_drafts(ds):
    with pytest.raises(PermissionDenied):
        draft(ds, user=ds.author)
    with pytest.raises(PermissionDenied):
        draft(ds, unit=ds.other)


def test_a_unit_without_effective_documents_cannot_announce(ds):
    announcement = draft(ds)
    with pytest.raises(TransitionError, match="no effective document"):
        announce(ds, announcement)


def test_a_decision_date_in_the_future_is_refused(ds):
    with pytest.raises(ValidationError):
        draft(ds, on=TODAY + timedelta(days=1))


def test_a_unit_has_one_draft_at_a_time_and_a_signed_announcement_is_frozen(ds):
    effective_document(ds)
    first = draft(ds)
    with pytest.raises(ValidationError, match="already has a draft"):
        draft(ds, number="13/QĐ-SNV")
    services.announcement_update(acting_user=ds.mr, announcement=first, decision_number="14/QĐ-SNV")
    assert Announcement.objects.get(pk=first.pk).decision_number == "14/QĐ-SNV"
    announce(ds, first)
    with pytest.raises(ValidationError, match="Only a draft"):
        services.announcement_update(acting_user=ds.mr, announcement=first, scope="Khác")


def test_a_later_announcement_supersedes_the_earlier_one(ds):
    effective_document(ds)
    first = announce(ds, draft(ds, on=TODAY - timedelta(days=30)))
    effective_document(ds, title="Quy trình mới")
    second = announce(ds, draft(ds, number="20/QĐ-SNV"))
    first.refresh_from_db()
    assert first.status == Announcement.Status.SUPERSEDED
    assert second.items.count() == 2
    assert row(ds).last_id == second.pk
    earlier = draft(ds, number="5/QĐ-SNV", on=TODAY - timedelta(days=60))
    with pytest.raises(TransitionError, match="earlier than"):
        announce(ds, earlier)


# --- the rules: current, scope changed, never, late ------------------------------------------------


def test_a_unit_announced_with_its_scope_unchanged_is_current(ds):
    document = effective_document(ds)
    announce(ds, draft(ds))
    # A new revision of a covered document is not a change of scope.
    from tests.documents.factories import next_revision

    next_revision(ds, document)
    found = row(ds)
    assert (found.announcement_status, found.added, found.withdrawn, found.covered) == ("current", 0, 0, 1)


def test_a_document_added_changes_the_scope_and_is_late_after_n_days(ds):
    effective_document(ds)
    announce(ds, draft(ds))
    effective_document(ds, title="Quy trình bổ sung")
    found = row(ds)
    assert (found.announcement_status, found.added, found.withdrawn) == ("changed", 1, 0)
    assert found.changed_since == TODAY
    assert row(ds, TODAY + timedelta(days=late_days())).announcement_status == "changed"  # N days: not yet
    assert row(ds, TODAY + timedelta(days=late_days() + 1)).announcement_status == "late"


def test_a_document_withdrawn_changes_the_scope(ds):
    document = effective_document(ds)
    effective_document(ds, title="Quy trình khác")
    announce(ds, draft(ds))
    services.revision_transition(acting_user=ds.author, revision=document.current_revision, name="withdraw",
                                 reason="Bãi bỏ")
    found = row(ds)
    assert (found.announcement_status, found.added, found.withdrawn) == ("changed", 0, 1)
    assert found.changed_since == TODAY
    assert row(ds, TODAY + timedelta(days=late_days() + 1)).announcement_status == "late"


def test_a_unit_that_never_announced_is_late_n_days_after_its_first_document_became_effective(ds):
    effective_document(ds, effective_date=TODAY - timedelta(days=10))
    assert row(ds).announcement_status == "never"
    assert row(ds, TODAY + timedelta(days=late_days() - 10)).announcement_status == "never"
    assert row(ds, TODAY + timedelta(days=late_days() - 9)).announcement_status == "late"


def test_a_unit_with_nothing_effective_is_never_announced_but_not_late(ds):
    found = row(ds, TODAY + timedelta(days=1000))
    assert (found.announcement_status, found.procedures) == ("never", 0)


def test_the_register_lists_the_units_in_the_readers_scope_with_their_status(ds):
    effective_document(ds)
    elsewhere(ds.other, "Quy trình của Sở Tài chính")
    announce(ds, draft(ds))
    reader = make_user(f"{ds.prefix}sc".lower(), ds.root)
    assign(reader, "steering_committee", ds.root)
    rows = {u.pk: u.announcement_status for u in announcement_register(reader)}
    assert rows == {ds.dept.pk: "current", ds.other.pk: "never"}
    mine = {u.pk for u in announcement_register(ds.mr)}
    assert mine == {ds.dept.pk}  # the management representative of dept sees dept only
    assert list(announcement_scope(ds.dept).values_list("unit", flat=True)) == [ds.dept.pk]


def test_the_register_filters_by_status(ds, client):
    effective_document(ds)
    elsewhere(ds.other, "Quy trình của Sở Tài chính")
    announce(ds, draft(ds))
    reader = make_user(f"{ds.prefix}sc2".lower(), ds.root)
    assign(reader, "steering_committee", ds.root)
    client.force_login(reader)
    page = client.get("/documents/announcements/", {"status": "never"}).content.decode()
    assert f'data-unit="{ds.other.code}"' in page and f'data-unit="{ds.dept.code}"' not in page
    page = client.get("/documents/announcements/", {"status": "current"}).content.decode()
    assert f'data-unit="{ds.dept.code}"' in page and f'data-unit="{ds.other.code}"' not in page


# --- the reminder -----------------------------------------------------------------------------------


def test_the_reminder_tells_each_management_representative_once_listing_every_unit(ds):
    second = make_unit(ds.root, f"{ds.prefix}SYT", name="Sở Y tế")
    assign(ds.mr, "management_representative", second)
    other_mr = make_user(f"{ds.prefix}mr2".lower(), second, language="vi")
    assign(other_mr, "management_representative", second)
    effective_document(ds)
    elsewhere(second, "Quy trình y tế")
    announce(ds, draft(ds))
    announce(ds, draft(ds, unit=second, number="7/QĐ-SYT"))
    effective_document(ds, title="Thêm 1")
    elsewhere(second, "Thêm 2")
    before = Notification.objects.count()
    result = services.announcements_remind()
    messages = Notification.objects.filter(kind="announcement_scope_changed")
    assert result.messages == 2 and Notification.objects.count() - before == 2
    mine = messages.get(recipient=ds.mr)
    assert mine.params["count"] == 2  # one message listing both units
    assert messages.get(recipient=other_mr).params["count"] == 1
    assert "2 units" in render(mine).title
    # Beat fires twice: nothing more.
    assert services.announcements_remind().messages == 0
    assert Notification.objects.filter(kind="announcement_scope_changed").count() == 2


def test_the_reminder_is_written_in_the_recipients_language(ds):
    from django.utils import translation

    vi_mr = make_user(f"{ds.prefix}mrvi".lower(), ds.dept, language="vi")
    assign(vi_mr, "management_representative", ds.dept)
    effective_document(ds)
    announce(ds, draft(ds))
    effective_document(ds, title="Thêm")
    services.announcements_remind()
    message = Notification.objects.get(kind="announcement_scope_changed", recipient=vi_mr)
    assert "title" not in message.params  # stored as a kind and parameters, rendered when read
    with translation.override("vi"):
        title = render(message).title
        expected = translation.ngettext(
            "The scope of %(count)s unit changed since its announcement of conformity",
            "The scope of %(count)s units changed since their announcement of conformity", 1) % {"count": 1}
    assert title == expected


def test_the_reminder_says_nothing_when_no_scope_changed(ds):
    effective_document(ds)
    announce(ds, draft(ds))
    assert services.announcements_remind().messages == 0


# --- My work --------------------------------------------------------------------------------------


def _to_announce(user):
    from documents.mywork import announcement_work

    sections = announcement_work(user)
    return sections[0].items if sections else None


def test_my_work_lists_the_units_to_announce_most_pressing_first_until_they_are_current(ds, client_for):
    from django.urls import reverse

    effective_document(ds)  # the department: never announced, not late yet
    effective_document(ds, unit=ds.office, effective_date=TODAY - timedelta(days=late_days() + 5))  # late
    items = _to_announce(ds.mr)
    with CaptureQueriesContext(connection) as queries:  # kept in the cache per scope and day
        assert _to_announce(ds.mr) == items
    assert not [q for q in queries.captured_queries if "documents_" in q["sql"]]
    assert [(label.split(" · ")[0], detail) for label, _url, detail in items] == [
        (ds.office.code, "Late"), (ds.dept.code, "Never announced")]
    assert items[1][1] == f"{reverse('documents:announcement_create')}?unit={ds.dept.pk}"
    page = client_for(ds.mr).get(reverse("home")).content.decode()
    assert "Announcements of conformity to make" in page and f"?unit={ds.office.pk}" in page

    waiting = draft(ds)  # a draft opens from My work
    items = _to_announce(ds.mr)
    assert items[1][1] == waiting.get_absolute_url()
    assert items[1][2] == "Never announced · a draft is waiting for your signature"

    announce(ds, waiting)
    announce(ds, draft(ds, unit=ds.office, number="13/QĐ-VP"))
    assert _to_announce(ds.mr) == []
    effective_document(ds, title="Quy trình mới")  # added to the department's scope since
    assert _to_announce(ds.mr) == [(f"{ds.dept.code} · {ds.dept.name}", f"{reverse('documents:announcement_create')}"
                                    f"?unit={ds.dept.pk}", "Scope changed since · 1 added, 0 withdrawn · since "
                                    + formats.date_format(TODAY, "SHORT_DATE_FORMAT"))]


def test_my_work_offers_no_announcement_to_whoever_may_not_sign_one(ds):
    effective_document(ds)
    assert _to_announce(ds.staff) is None and _to_announce(ds.author) is None
