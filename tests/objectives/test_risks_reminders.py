"""The risks part's reminders (``services.risks_reminders`` through the core's sweep): a review 14
days before its date and again once it has passed, an own action once it is overdue; each once per
stage and date, ONE message per person and run listing everything, in the reader's language."""

from datetime import timedelta

import pytest
from django.utils import translation

from objectives.models import Risk
from objectives.services import risks as services
from objectives.services.risks_reminders import MESSAGE, due_rows, risk_reminders_send
from objectives.tasks_risks import send_reminders
from qms_portal.demo import demo_clock
from qms_portal.models import Notification
from qms_portal.notifications import render
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    t = factories.small_tree()
    t.head = factories.make_user(f"{t.prefix}head", t.ward1, language="vi")
    factories.assign(t.head, "department_head", t.ward1)
    t.today = services.timezone.localdate()
    return t


def messages(user=None):
    rows = Notification.objects.filter(kind=MESSAGE).order_by("pk")
    return list(rows.filter(recipient=user) if user else rows)


def make(t, review_in, owner=None, unit=None, **kw):
    return services.risk_create(acting_user=t.superuser, unit=unit or t.ward1, title=kw.pop("title", "Rủi ro"),
                                likelihood=3, impact=3, owner=owner, review_on=t.today + timedelta(days=review_in),
                                **kw)


def test_a_review_is_reminded_14_days_before_and_again_once_late_each_once(tree):
    make(tree, 20, owner=tree.head)
    assert risk_reminders_send(today=tree.today).messages == 0
    soon = tree.today + timedelta(days=6)
    result = risk_reminders_send(today=soon)
    assert (result.messages, result.claimed) == (1, 1)
    assert risk_reminders_send(today=soon).messages == 0  # beat firing twice
    assert risk_reminders_send(today=soon + timedelta(days=5)).messages == 0  # the next days: nothing new
    late = tree.today + timedelta(days=21)
    assert risk_reminders_send(today=late).messages == 1
    assert risk_reminders_send(today=late + timedelta(days=1)).messages == 0
    assert len(messages(tree.head)) == 2


def test_a_new_review_date_starts_its_reminders_again_and_a_closed_risk_is_not_reminded(tree):
    risk = make(tree, 5, owner=tree.head)
    assert risk_reminders_send(today=tree.today).messages == 1
    with demo_clock(tree.today):
        services.risk_review(acting_user=tree.head, risk=risk, residual_likelihood=2, residual_impact=2,
                             review_on=tree.today + timedelta(days=10), status=Risk.Status.TREATED)
    assert risk_reminders_send(today=tree.today).messages == 1
    services.risk_review(acting_user=tree.head, risk=risk, residual_likelihood=1, residual_impact=2,
                         review_on=None, status=Risk.Status.CLOSED)
    assert risk_reminders_send(today=tree.today + timedelta(days=30)).messages == 0


def test_one_message_per_person_lists_every_review_and_overdue_action(tree):
    first, second = make(tree, 3, owner=tree.head, title="Một"), make(tree, 40, owner=tree.head, title="Hai")
    action = services.risk_action_create(acting_user=tree.superuser, risk=second, description="Số hóa hồ sơ",
                                         owner=tree.head, due_on=tree.today + timedelta(days=1))
    other = services.risk_action_create(acting_user=tree.superuser, risk=first, description="Tập huấn",
                                        owner=tree.ward1_staff, due_on=tree.today + timedelta(days=1))
    result = risk_reminders_send(today=tree.today + timedelta(days=5))
    assert result.messages == 2 and result.claimed == 3
    [message] = messages(tree.head)
    refs = [(ref["$ref"], ref["pk"]) for ref in message.params["objects"]["$list"]]
    assert sorted(refs) == sorted([("objectives.risk", first.pk), ("objectives.riskaction", action.pk)])
    with translation.override("vi"):
        rendered = render(message)
    assert "2" in rendered.title and len(rendered.items) == 2
    assert [m.params["count"] for m in messages(tree.ward1_staff)] == [1]
    assert other.pk in [ref["pk"] for ref in messages(tree.ward1_staff)[0].params["objects"]["$list"]]
    assert risk_reminders_send(today=tree.today + timedelta(days=5)).messages == 0
    services.risk_action_complete(acting_user=tree.head, action=action, note="Xong")
    assert due_rows(tree.today + timedelta(days=5)) == 2  # the review and the staff's action


def test_a_risk_without_owner_is_reminded_to_the_units_department_head(tree):
    make(tree, 2, owner=None)
    assert risk_reminders_send(today=tree.today).messages == 1
    assert len(messages(tree.head)) == 1


def test_the_reminder_task_is_known_to_the_worker(tree):
    make(tree, 2, owner=tree.head)
    assert send_reminders() == 1
    from qms_portal.celery import app

    assert any(entry["task"] == "objectives.tasks_risks.send_reminders" for entry in app.conf.beat_schedule.values())
