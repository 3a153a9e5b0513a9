"""Reminders before a qualification expires (``services.competence_reminders`` through the core's
sweep): 90 and 30 days before, each stage once, to the holder AND their head, ONE message per person
and run listing everything; a renewed, withdrawn or already expired qualification is not reminded."""

import pytest
from django.utils import translation

from qms_portal.models import Notification
from qms_portal.notifications import render
from tests import factories
from tests.training.competence_factories import TODAY, competence, day, qualification
from training.services import qualifications as services
from training.services.competence_reminders import MESSAGE, qualification_reminders_send
from training.tasks_competence import send_expiry_reminders

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    t = factories.small_tree()
    t.head = factories.make_user(f"{t.prefix}head", t.ward1, language="vi", full_name="Hoàng Văn Đức")
    factories.assign(t.head, "department_head", t.ward1)
    t.person = factories.make_user(f"{t.prefix}person", t.ward1, full_name="Nguyễn Thị Hoa")
    t.ia = competence(f"{t.prefix}ia".lower(), name="Internal auditor")
    t.aware = competence(f"{t.prefix}aw".lower(), name="ISO awareness")
    return t


def messages(user=None):
    rows = Notification.objects.filter(kind=MESSAGE).order_by("pk")
    return list(rows.filter(recipient=user) if user else rows)


def test_the_90_and_30_day_stages_each_reach_the_holder_and_their_head_once(tree):
    q = qualification(tree.person, tree.ia, obtained=-1000, until=100)
    assert qualification_reminders_send(today=TODAY).messages == 0  # 100 days ahead: not yet
    first = day(15)  # 85 days before
    result = qualification_reminders_send(today=first)
    assert (result.claimed, result.messages) == (1, 2)
    assert {n.recipient_id for n in messages()} == {tree.person.pk, tree.head.pk}
    assert qualification_reminders_send(today=first).messages == 0  # beat firing twice
    assert qualification_reminders_send(today=day(40)).messages == 0  # still the 90-day stage
    second = day(75)  # 25 days before
    assert qualification_reminders_send(today=second).messages == 2
    assert qualification_reminders_send(today=day(80)).messages == 0
    assert len(messages(tree.person)) == 2 and len(messages(tree.head)) == 2
    assert q.valid_until == day(100)
    assert qualification_reminders_send(today=day(101)).messages == 0  # expired: nothing more


def test_one_message_per_person_lists_everything_in_the_readers_language(tree):
    other = factories.make_user(f"{tree.prefix}other", tree.ward1, full_name="Phạm Văn Nam")
    qualification(tree.person, tree.ia, obtained=-1000, until=20)
    qualification(tree.person, tree.aware, obtained=-1000, until=80)
    qualification(other, tree.ia, obtained=-1000, until=60)
    result = send_expiry_reminders()
    assert result == 3  # the person, the other, their head: one message each
    mine, = messages(tree.person)
    head, = messages(tree.head)
    assert mine.params["count"] == 2 and head.params["count"] == 3
    with translation.override("en"):
        rendered = render(mine)
    assert rendered.title == "2 qualifications expire soon" and len(rendered.items) == 2
    listed = {ref["pk"] for ref in head.params["objects"]["$list"]}
    assert len(listed) == 3


def test_a_renewed_withdrawn_or_already_expired_qualification_is_not_reminded(tree):
    old = qualification(tree.person, tree.ia, obtained=-1000, until=30)
    qualification(tree.person, tree.ia, obtained=-5, until=1000)  # renewed
    gone = qualification(tree.person, tree.aware, obtained=-100, until=10)
    services.qualification_withdraw(acting_user=tree.superuser, qualification=gone, reason="Sai thông tin")
    qualification(tree.person, tree.aware, obtained=-1000, until=-1)  # expired yesterday
    assert qualification_reminders_send(today=TODAY).messages == 0
    assert old.pk  # (kept, just not reminded)


def test_a_new_date_starts_the_reminders_again(tree):
    q = qualification(tree.person, tree.ia, obtained=-1000, until=20)
    assert qualification_reminders_send(today=TODAY).messages == 2
    services.qualification_update(acting_user=tree.superuser, qualification=q, valid_until=day(25))
    assert qualification_reminders_send(today=TODAY).messages == 2
