"""The corrective actions' reminders and escalation (services.escalation through the core's sweep):
7 days and 1 day before due to the owner, overdue to the owner and the department head, 14 days
overdue to the management representative; once per stage and due date; one message per person."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.formats import date_format

from nonconformities import services
from nonconformities.services.escalation import actions_escalate, nearest_holders
from nonconformities.tasks import escalate_actions
from qms_portal import services as core_services
from qms_portal.models import Notification, User
from qms_portal.notifications import render
from tests.factories import assign, make_user
from tests.nonconformities.factories import analysed, in_future, planned, raise_nc

pytestmark = pytest.mark.django_db
KIND = "actions_escalated"


def messages(user=None):
    rows = Notification.objects.filter(kind=KIND).order_by("pk")
    return list(rows.filter(recipient=user) if user else rows)


def notes(notification):
    with translation.override("en"):
        return [note for _label, _url, note in render(notification).items]


def sweep(day):
    return actions_escalate(today=day)


def one_action(ns, owner=None, unit=None):
    nc = raise_nc(ns, unit=unit, by=ns.staff if unit == ns.office else None)
    _nc, [action] = planned(ns, nc, owners=[owner or ns.owner1])
    return action


def test_nothing_is_sent_more_than_seven_days_before_the_due_date(ns):
    action = one_action(ns)
    assert sweep(action.due - timedelta(days=8)).messages == 0
    assert messages() == []


def test_each_stage_reaches_its_people_once(ns):
    action = one_action(ns)
    due = action.due
    with translation.override("en"):
        day_text = date_format(due, "DATE_FORMAT")

    assert sweep(due - timedelta(days=7)).messages == 1
    [first] = messages(ns.owner1)
    assert notes(first) == [f"due within 7 days, {day_text}"]

    assert sweep(due - timedelta(days=1)).messages == 1
    assert notes(messages(ns.owner1)[-1]) == [f"due tomorrow, {day_text}"]

    assert sweep(due + timedelta(days=1)).messages == 2  # the owner and the department head
    assert notes(messages(ns.owner1)[-1]) == [f"overdue, {day_text}"]
    [head] = messages(ns.head)
    assert notes(head) == [f"overdue, {day_text}"]
    assert messages(ns.mr) == []

    assert sweep(due + timedelta(days=14)).messages == 1  # the management representative only
    [mr] = messages(ns.mr)
    assert notes(mr) == [f"overdue 14 days or more, {day_text}"]
    assert len(messages(ns.owner1)) == 3 and len(messages(ns.head)) == 1


def test_a_sweep_run_twice_sends_each_stage_once(ns):
    action = one_action(ns)
    for day in (action.due - timedelta(days=7), action.due + timedelta(days=1)):
        first = sweep(day)
        again = sweep(day)
        assert first.messages >= 1 and (again.claimed, again.messages) == (0, 0)
    # later days in the same stage send nothing either
    assert sweep(action.due - timedelta(days=3)).messages == 0
    assert sweep(action.due + timedelta(days=5)).messages == 0
    assert len(messages(ns.owner1)) == 2


def test_a_first_run_long_after_the_due_date_tells_the_owner_the_head_and_the_representative(ns):
    action = one_action(ns)
    result = sweep(action.due + timedelta(days=20))
    assert (result.claimed, result.messages) == (2, 3)
    assert {m.recipient_id for m in messages()} == {ns.owner1.pk, ns.head.pk, ns.mr.pk}


def test_each_person_gets_one_message_listing_all_their_actions(ns):
    nc = raise_nc(ns)
    _nc, actions = planned(ns, nc, owners=[ns.owner1, ns.owner1, ns.owner2])
    result = sweep(actions[0].due + timedelta(days=2))
    assert result.claimed == 3
    [mine] = messages(ns.owner1)
    [theirs] = messages(ns.owner2)
    [head] = messages(ns.head)
    assert (mine.params["count"], theirs.params["count"], head.params["count"]) == (2, 1, 3)
    with translation.override("en"):
        rendered = render(mine)
    assert rendered.title == "2 corrective actions due or overdue"
    assert sorted(label for label, _url, _note in rendered.items) == sorted(str(a) for a in actions[:2])
    assert {url for _label, url, _note in rendered.items} == {a.get_absolute_url() for a in actions[:2]}


def test_an_extension_gives_a_new_due_date_and_the_reminders_start_again(ns):
    action = one_action(ns)
    assert sweep(action.due - timedelta(days=1)).messages == 1
    assert sweep(action.due - timedelta(days=1)).messages == 0
    extension = services.extension_request(acting_user=ns.owner1, action=action, requested_due=action.due
                                           + timedelta(days=10), reason="Chờ phần mềm một cửa cập nhật")
    services.extension_decide(acting_user=ns.mr, extension=extension, approve=True)
    action.refresh_from_db()
    assert sweep(action.due - timedelta(days=7)).messages == 1
    assert notes(messages(ns.owner1)[-1])[0].startswith("due within 7 days")
    assert sweep(action.due - timedelta(days=1)).messages == 1
    assert len(messages(ns.owner1)) == 3


def test_done_and_cancelled_actions_are_not_reminded(ns):
    nc = raise_nc(ns)
    _nc, (done, cancelled) = planned(ns, nc)
    services.action_complete(acting_user=done.owner, action=done, completion_note="Đã làm")
    services.action_cancel(acting_user=ns.head, action=cancelled, reason="Trùng với hành động khác")
    assert sweep(done.due + timedelta(days=30)).claimed == 0
    assert messages() == []


def test_the_department_head_and_representative_are_the_nearest_holders_of_the_role(ns):
    # an office below the department: its actions go up to the department's head and representative
    action = one_action(ns, unit=ns.office)
    assert action.unit_id == ns.office.pk
    sweep(action.due + timedelta(days=15))
    assert {m.recipient_id for m in messages()} == {ns.owner1.pk, ns.head.pk, ns.mr.pk}
    # once the office has a head of its own, the department's head is no longer asked
    office_head = make_user(f"{ns.prefix}offhead", ns.office)
    assign(office_head, "department_head", ns.office, include_subunits=False)
    assert nearest_holders("department_head", [ns.office]) == {ns.office.pk: [office_head.pk]}
    assert nearest_holders("department_head", [ns.dept]) == {ns.dept.pk: [ns.head.pk]}
    assert nearest_holders("department_head", [ns.other]) == {}  # nobody on it or above it


def test_an_outsider_hears_nothing_of_other_units_actions(ns):
    action = one_action(ns)
    sweep(action.due + timedelta(days=20))
    assert messages(ns.outsider) == [] and messages(ns.staff) == []


def test_each_recipient_reads_the_message_in_their_own_language(ns, django_capture_on_commit_callbacks):
    for person, language in ((ns.owner1, "vi"), (ns.owner2, "zh-hans")):
        core_services.user_set_preferences(acting_user=person, language=language,
                                           notification_mode=User.NotificationMode.IMMEDIATE, phone="")
    nc = raise_nc(ns)
    _nc, actions = planned(ns, nc)
    mail.outbox.clear()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        sweep(actions[0].due - timedelta(days=7))
    sent = {m.to[0]: m for m in mail.outbox}
    for person, language in ((ns.owner1, "vi"), (ns.owner2, "zh-hans")):
        with translation.override(language):
            expected_day = date_format(actions[0].due, "DATE_FORMAT")
            title = translation.ngettext("%(count)s corrective action due or overdue",
                                         "%(count)s corrective actions due or overdue", 1) % {"count": 1}
            [message] = messages(person)
            assert render(message).title == title
        body = sent[person.email].body
        assert expected_day in body and title in sent[person.email].subject


def test_the_beat_task_runs_the_sweep_for_today(ns):
    nc = analysed(ns)
    services.action_create(acting_user=ns.head, nonconformity=nc, description="Sửa quy trình", owner=ns.owner1,
                           due=in_future(3))
    assert escalate_actions.run() == {"claimed": 1, "messages": 1}
    assert escalate_actions.run() == {"claimed": 0, "messages": 0}
    assert len(messages(ns.owner1)) == 1


def test_the_sweep_makes_as_many_queries_for_many_due_actions_as_for_a_few(ns):
    def queries_for(count):
        nc = raise_nc(ns)
        _nc, actions = planned(ns, nc, owners=[ns.owner1, ns.owner2] * count)
        with CaptureQueriesContext(connection) as ctx:
            sweep(actions[0].due + timedelta(days=20))
        return len(ctx)

    few = queries_for(1)
    many = queries_for(6)
    assert many == few


def test_the_sweep_is_a_beat_entry_of_the_area():
    from qms_portal import areas
    from qms_portal.celery import app

    [entry] = areas.get("nonconformities").beat.values()
    assert entry["task"] == "nonconformities.tasks.escalate_actions"
    assert "nonconformities-escalate-actions" in app.conf.beat_schedule
    assert escalate_actions.name in app.tasks
