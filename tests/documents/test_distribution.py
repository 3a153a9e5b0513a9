"""Who receives a document, read-and-acknowledge tasks when a revision becomes effective, coverage
per unit, reminders, and what a recipient from another unit may read."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from documents import cached, selectors, services
from documents.models import Acknowledgement, Document, Revision
from qms_portal import services as core
from qms_portal.models import Notification
from qms_portal.notifications import render
from qms_portal.permissions import can
from tests.documents.factories import (
    accept_all,
    approve,
    draft_of,
    effective_document,
    new_document,
    next_revision,
    save_draft,
    submit,
)
from tests.factories import assign, make_superuser, make_unit, make_user
from tests.helpers import listed_codes

pytestmark = pytest.mark.django_db


def recipients(document):
    return set(selectors.recipients(document))


def dept_members(ds):
    return {ds.author, ds.reviewer1, ds.reviewer2, ds.approver, ds.mr, ds.staff, ds.nobody}


def add(ds, document, **target):
    return services.distribution_add(acting_user=ds.author, document=document, **target)


# --- Recipients ---------------------------------------------------------------------------------


def test_without_a_list_the_owning_unit_and_its_sub_units_receive_it(ds):
    document = new_document(ds)
    assert recipients(document) == dept_members(ds)
    assert ds.outsider not in recipients(document)


def test_inactive_people_receive_nothing(ds):
    core.user_set_active(acting_user=make_superuser(), user=ds.nobody, active=False)
    assert ds.nobody not in recipients(new_document(ds))


def test_a_unit_on_the_list_brings_its_members_and_sub_units(ds):
    desk = make_unit(ds.office, f"{ds.prefix}DESK", kind="division")
    clerk = make_user(f"{ds.prefix}clerk".lower(), desk)
    document = new_document(ds)
    add(ds, document, unit=ds.office)
    assert recipients(document) == {ds.staff, clerk}


def test_a_role_on_the_list_brings_its_holders_on_the_unit_and_above(ds):
    roles = ds.roles
    here = make_user(f"{ds.prefix}aud-here".lower(), ds.other)  # works elsewhere, audits the dept
    assign(here, roles["internal_auditor"], ds.dept)
    above = make_user(f"{ds.prefix}aud-above".lower(), ds.root)
    assign(above, roles["internal_auditor"], ds.root)
    elsewhere = make_user(f"{ds.prefix}aud-other".lower(), ds.other)
    assign(elsewhere, roles["internal_auditor"], ds.other)
    root_only = make_user(f"{ds.prefix}aud-root-only".lower(), ds.root)  # the root itself, no sub-units
    assign(root_only, roles["internal_auditor"], ds.root, include_subunits=False)
    document = new_document(ds)
    add(ds, document, role=roles["internal_auditor"])
    assert recipients(document) == {here, above}


def test_a_document_can_be_distributed_to_a_unit_outside_the_editors_scope(ds):
    from documents.forms import DistributionForm

    form = DistributionForm({"unit": ds.other.pk}, user=ds.author)
    assert form.is_valid(), form.errors
    document = new_document(ds)
    add(ds, document, unit=ds.other)
    assert ds.outsider in recipients(document)


def test_a_person_on_the_list_receives_it_wherever_they_work(ds):
    document = new_document(ds)
    add(ds, document, person=ds.outsider)
    add(ds, document, unit=ds.office)
    assert recipients(document) == {ds.outsider, ds.staff}


def test_a_list_entry_names_exactly_one_target(ds):
    document = new_document(ds)
    with pytest.raises(ValidationError):
        services.distribution_add(acting_user=ds.author, document=document)
    with pytest.raises(ValidationError):
        services.distribution_add(acting_user=ds.author, document=document, unit=ds.office, person=ds.outsider)
    assert not document.distribution.exists()


def test_only_who_may_change_the_document_edits_its_list(ds):
    document = new_document(ds)
    with pytest.raises(PermissionDenied):
        services.distribution_add(acting_user=ds.staff, document=document, person=ds.staff)
    entry = add(ds, document, person=ds.outsider)
    with pytest.raises(PermissionDenied):
        services.distribution_remove(acting_user=ds.outsider, entry=entry)
    services.distribution_remove(acting_user=ds.author, entry=entry)
    assert not document.distribution.exists()


# --- Acknowledgements ---------------------------------------------------------------------------


def approved_with_list(ds, **targets):
    document = new_document(ds)
    for key, value in targets.items():
        add(ds, document, **{key: value})
    revision = save_draft(ds, draft_of(document))
    submit(ds, revision)
    accept_all(ds, revision, [ds.reviewer1, ds.reviewer2])
    approve(ds, revision)
    return Revision.objects.get(pk=revision.pk)


def test_publication_gives_each_recipient_a_task_a_message_and_an_email(ds, django_capture_on_commit_callbacks,
                                                                         no_pdf):
    core.user_update(acting_user=make_superuser(), user=ds.reviewer2, notification_mode="digest")
    core.user_update(acting_user=make_superuser(), user=ds.mr, notification_mode="none")
    revision = approved_with_list(ds)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.revision_publish(revision=revision)
    acks = Acknowledgement.objects.filter(revision=revision)
    assert {a.user for a in acks} == dept_members(ds)
    assert all(a.acknowledged_at is None for a in acks)
    assert {a.user_id: a.unit_id for a in acks}[ds.staff.pk] == ds.office.pk
    messages = Notification.objects.filter(kind="revision_acknowledge")
    assert sorted(messages.values_list("recipient", flat=True)) == sorted(u.pk for u in dept_members(ds))
    assert all(m.url == revision.document.get_absolute_url() for m in messages)
    emailed = sorted(address for m in mail.outbox for address in m.to)
    wanted = sorted(u.email for u in dept_members(ds) - {ds.reviewer2, ds.mr})
    assert emailed == wanted
    assert any(revision.document.code in m.subject for m in mail.outbox)


def test_a_second_revision_asks_everyone_again(ds):
    document = effective_document(ds)
    rev2 = next_revision(ds, document)
    assert Acknowledgement.objects.filter(revision=rev2).count() == len(dept_members(ds))
    assert Acknowledgement.objects.filter(revision__document=document).count() == 2 * len(dept_members(ds))


def test_acknowledging_records_the_time_once(ds):
    document = effective_document(ds)
    revision = document.current_revision
    before = timezone.now()
    row = services.revision_acknowledge(acting_user=ds.staff, revision=revision)
    assert before <= row.acknowledged_at <= timezone.now()
    again = services.revision_acknowledge(acting_user=ds.staff, revision=revision)
    assert again.acknowledged_at == row.acknowledged_at
    assert Acknowledgement.objects.get(revision=revision, user=ds.staff).acknowledged_at == row.acknowledged_at


def test_only_a_recipient_acknowledges(ds):
    document = effective_document(ds)
    with pytest.raises(ValidationError, match="not distributed"):
        services.revision_acknowledge(acting_user=ds.outsider, revision=document.current_revision)
    assert not Acknowledgement.objects.filter(user=ds.outsider).exists()


def test_a_superseded_revision_can_no_longer_be_acknowledged(ds):
    document = effective_document(ds)
    rev1 = document.current_revision
    next_revision(ds, document)
    with pytest.raises(ValidationError, match="effective"):
        services.revision_acknowledge(acting_user=ds.staff, revision=rev1)
    assert Acknowledgement.objects.get(revision=rev1, user=ds.staff).acknowledged_at is None


def test_coverage_counts_per_unit(ds):
    document = effective_document(ds)
    revision = document.current_revision
    for user in (ds.staff, ds.reviewer1, ds.reviewer2):
        services.revision_acknowledge(acting_user=user, revision=revision)
    rows = {r["unit__code"]: (r["done"], r["total"]) for r in cached.coverage(revision)}
    assert rows == {ds.dept.code: (2, 6), ds.office.code: (1, 1)}


def test_reminders_go_once_to_those_who_have_not_acknowledged(ds):
    document = effective_document(ds)
    revision = document.current_revision
    services.revision_acknowledge(acting_user=ds.staff, revision=revision)
    now = timezone.now()
    remind = services.acknowledgements_remind
    assert remind(now=now + timedelta(days=6), days=7).messages == 0
    assert remind(now=now + timedelta(days=8), days=7).messages == len(dept_members(ds)) - 1
    assert remind(now=now + timedelta(days=8), days=7).messages == 0
    assert remind(now=now + timedelta(days=30), days=7).messages == 0
    reminded = Notification.objects.filter(kind="acknowledgements_overdue")
    assert set(reminded.values_list("recipient", flat=True)) == {u.pk for u in dept_members(ds) - {ds.staff}}
    message = reminded.first()
    assert message.params["days"] == 7
    assert [ref["pk"] for ref in message.params["objects"]["$list"]] == [revision.pk]
    assert render(message).title == "1 revision still to read and acknowledge"


def test_each_person_gets_one_reminder_listing_every_revision_to_read(ds):
    documents = [effective_document(ds, title=f"Quy trình {n}") for n in range(3)]
    services.revision_acknowledge(acting_user=ds.staff, revision=documents[0].current_revision)
    result = services.acknowledgements_remind(now=timezone.now() + timedelta(days=8), days=7)
    members = dept_members(ds)
    assert result.claimed == 3 * len(members) - 1
    assert result.messages == len(members)
    staff = Notification.objects.get(kind="acknowledgements_overdue", recipient=ds.staff)
    assert staff.params["count"] == 2
    rendered = render(staff)
    assert rendered.title == "2 revisions still to read and acknowledge"
    assert sorted(label for label, _url, _note in rendered.items) == sorted(
        str(d.current_revision) for d in documents[1:])
    other = Notification.objects.get(kind="acknowledgements_overdue", recipient=ds.reviewer1)
    assert render(other).title == "3 revisions still to read and acknowledge"


def test_no_reminder_for_a_superseded_revision(ds):
    document = effective_document(ds)
    next_revision(ds, document)
    later = timezone.now() + timedelta(days=8)
    # only the acknowledgements of the new, effective revision are reminded
    assert services.acknowledgements_remind(now=later, days=7).messages == len(dept_members(ds))
    titles = {label for n in Notification.objects.filter(kind="acknowledgements_overdue")
              for label, _url, _note in render(n).items}
    assert titles == {f"{document.code} rev. 02"}


# --- A recipient from another unit --------------------------------------------------------------


def test_a_recipient_from_another_unit_reads_that_document_and_nothing_else(ds):
    private = effective_document(ds, title="Quy trình nội bộ")
    document = new_document(ds, title="Quy trình liên thông")
    add(ds, document, person=ds.outsider)
    from tests.documents.factories import drive_to_effective

    revision = drive_to_effective(ds, draft_of(document))
    document = Document.objects.get(pk=document.pk)
    draft = services.revision_create_draft(acting_user=ds.author, document=document, reason="Lần 2")

    assert can(ds.outsider, "view", document)
    assert can(ds.outsider, "view", revision)
    assert not can(ds.outsider, "view", private)
    assert not can(ds.outsider, "view", private.current_revision)
    assert not can(ds.outsider, "view", draft)  # only the revision distributed to them
    assert not can(ds.outsider, "change", document)
    visible = Document.objects.restrict(ds.outsider, "view")
    assert document in visible and private not in visible
    assert list(Revision.objects.restrict(ds.outsider, "view").filter(document__unit=ds.dept)) == [revision]


def test_the_recipient_opens_the_document_page_and_acknowledges(ds, client_for):
    document = new_document(ds, title="Quy trình liên thông")
    add(ds, document, person=ds.outsider)
    from tests.documents.factories import drive_to_effective

    revision = drive_to_effective(ds, draft_of(document))
    other = effective_document(ds)
    client = client_for(ds.outsider)
    assert client.get(document.get_absolute_url()).status_code == 200
    assert client.get(revision.get_absolute_url()).status_code == 200
    assert client.get(other.get_absolute_url()).status_code == 404
    response = client.post(f"{document.get_absolute_url()}acknowledge/")
    assert response.status_code == 302
    assert Acknowledgement.objects.get(revision=revision, user=ds.outsider).acknowledged_at is not None


def test_a_recipient_without_any_role_can_still_read_and_acknowledge(ds, client_for):
    """People are distributed by unit whether or not they hold a role: the task they are given must
    be one they can do."""
    document = effective_document(ds)
    client = client_for(ds.nobody)
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    assert "I have read and understood it" in response.content.decode()
    assert client.get(document.current_revision.get_absolute_url()).status_code == 200
    assert client.get(f"{document.get_absolute_url()}history/").status_code == 200
    assert client.post(f"{document.get_absolute_url()}acknowledge/").status_code == 302
    assert Acknowledgement.objects.get(revision=document.current_revision, user=ds.nobody).acknowledged_at
    # still nothing else: another document of the unit that was not distributed to them
    other = new_document(ds)
    assert client.get(other.get_absolute_url()).status_code == 404
    listed = client.get("/documents/", {"status": "all"})
    assert listed.status_code == 200
    assert listed_codes(listed) == [document.code]


def _sweep_queries(ds, now):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        result = services.acknowledgements_remind(now=now, days=7)
    return result, [q["sql"] for q in captured.captured_queries]


def test_the_acknowledgement_sweep_makes_as_many_queries_for_many_due_rows_as_for_a_few(ds):
    """The sweep's queries do not grow with the rows due (one batch here): 2 documents, then 6."""
    now = timezone.now() + timedelta(days=8)
    for n in range(2):
        effective_document(ds, title=f"Quy trình A{n}")
    few, few_sql = _sweep_queries(ds, now)
    Notification.objects.all().delete()
    from qms_portal.models import ReminderClaim

    ReminderClaim.objects.all().delete()
    for n in range(4):
        effective_document(ds, title=f"Quy trình B{n}")
    many, many_sql = _sweep_queries(ds, now)
    members = len(dept_members(ds))
    assert (few.claimed, many.claimed) == (2 * members, 6 * members)
    assert few.messages == many.messages == members
    assert len(many_sql) == len(few_sql), "\n".join(many_sql)
    # the rows are read without the revisions' long texts (a 20-page procedure weighs 100 KB or more)
    reads = [sql for sql in many_sql if sql.startswith("SELECT") and "documents_acknowledgement" in sql]
    assert reads and not any('"documents_revision"."content"' in sql for sql in reads), reads
