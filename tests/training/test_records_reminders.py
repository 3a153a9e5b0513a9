"""The effectiveness checks' reminder: one message per head listing every check of their people
falling due (14 days ahead, then once late), each stage once; nothing for a check recorded, nor for
people outside the head's units."""

from datetime import timedelta

from django.utils import timezone

from qms_portal.models import Notification
from qms_portal.notifications import render
from tests.training import records_factories as rf
from tests.training.records_helpers import session_page  # noqa: F401
from tests.viewtests import holder
from training.services.records_reminders import MESSAGE, due_rows, effectiveness_reminders_send
from training.tasks_records import send_effectiveness_reminders


def messages(user):
    return list(Notification.objects.filter(kind=MESSAGE, recipient=user).order_by("pk"))


def test_one_message_per_head_lists_all_their_checks_each_stage_once(tree):
    today = timezone.localdate()
    head = holder(tree, "department_head", tree.ward1, name=f"{tree.prefix}rem-head")
    other_head = holder(tree, "department_head", tree.division, name=f"{tree.prefix}rem-other")
    session = rf.make_session(tree.ward1)
    first = rf.make_check(rf.add_participant(session, rf.person("Nguyễn Một", tree.ward1)), due_in_days=10)
    rf.make_check(rf.add_participant(session, rf.person("Trần Hai", tree.ward1)), due_in_days=-3)
    rf.make_check(rf.add_participant(session, rf.person("Lê Ba", tree.ward1)), due_in_days=40)  # not yet
    assert due_rows(today) == 2
    result = effectiveness_reminders_send(today=today)
    assert (result.messages, result.claimed) == (1, 2)
    [message] = messages(head)
    shown = render(message)
    assert "2 training effectiveness checks due" in str(shown.title)
    assert messages(other_head) == []
    assert effectiveness_reminders_send(today=today).messages == 0  # beat firing twice
    late = today + timedelta(days=11)
    assert effectiveness_reminders_send(today=late).messages == 1  # the first one now late
    first.refresh_from_db()
    assert len(messages(head)) == 2


def test_a_recorded_check_is_not_reminded_and_the_task_runs_the_sweep(tree):
    head = holder(tree, "department_head", tree.ward1, name=f"{tree.prefix}rem-head2")
    check = rf.make_check(rf.add_participant(rf.make_session(tree.ward1), rf.person("Phạm Bốn", tree.ward1)),
                          due_in_days=-1)
    check.checked_on, check.rating, check.checked_by = timezone.localdate(), "effective", head
    check.save()
    assert send_effectiveness_reminders() == 0
    assert messages(head) == []
