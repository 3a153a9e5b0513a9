"""Management review pages: the lists leave out other units' reviews and decisions and read the
same number of queries at two sizes (so does a review's page, its inputs compiled live); bad input
keeps the form; the decisions' reminders (one message per person per run, weekly while overdue);
My work; the dashboard's figure."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from objectives.models import ReviewDecision
from objectives.selectors.review import overdue_decisions, review_work
from objectives.services import review as services
from qms_portal.models import Notification
from tests.objectives.review_factories import add_decision, hold, make_review, review_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def t():
    return review_tree()


def count(client, url, params=None):
    client.get(reverse("home"))
    client.get(url, params or {})
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries), [q["sql"] for q in queries.captured_queries]


def assert_same(small, large, what):
    (n_small, sql_small), (n_large, sql_large) = small, large
    assert n_small == n_large, (f"{what}: {n_small} queries with little data, {n_large} with more\n"
                                + "\n".join(sql for sql in sql_large if sql not in sql_small))


def more_reviews(t, n, unit=None):
    for i in range(n):
        review = hold(t, make_review(t, unit=unit or t.ward1, title=f"Xem xét {i}"))
        add_decision(t, review, description=f"Quyết định {i}")
        add_decision(t, review, description=f"Quyết định {i}b", due_in=1)


def test_the_lists_leave_out_the_reviews_and_decisions_of_other_units(t, client):
    mine = hold(t, make_review(t))
    mine_decision = add_decision(t, mine)
    theirs = hold(t, make_review(t, unit=t.agency, chair=t.superuser, title="Ngoài phạm vi"), user=t.superuser)
    theirs_decision = add_decision(t, theirs, user=t.superuser, owner=t.participant,
                                   description="Không phải của phường")
    client.force_login(t.ward1_mr)
    reviews = client.get(reverse("objectives:review_list")).content.decode()
    assert mine.get_absolute_url() in reviews and theirs.get_absolute_url() not in reviews
    decisions = client.get(reverse("objectives:decision_list")).content.decode()
    assert mine_decision.get_absolute_url() in decisions and theirs_decision.get_absolute_url() not in decisions
    # the owner without a role sees the decisions they own, nothing else
    client.force_login(t.owner)
    decisions = client.get(reverse("objectives:decision_list"), {"mine": "true"}).content.decode()
    assert mine_decision.get_absolute_url() in decisions and theirs_decision.get_absolute_url() not in decisions
    assert client.get(reverse("objectives:review_list")).status_code == 403


def test_the_review_list_filters_by_unit_subtree_year_and_status(t, client):
    ward = make_review(t)
    agency = make_review(t, unit=t.agency, chair=t.superuser)
    client.force_login(t.superuser)
    url = reverse("objectives:review_list")
    page = client.get(url, {"unit": t.district.pk}).content.decode()
    assert ward.get_absolute_url() in page and agency.get_absolute_url() not in page
    page = client.get(url, {"year": timezone.localdate().year + 1}).content.decode()
    assert ward.get_absolute_url() not in page
    page = client.get(url, {"status": "held"}).content.decode()
    assert ward.get_absolute_url() not in page


@pytest.mark.parametrize("params", [{}, {"status": "open"}, {"overdue": "true"}, {"mine": "true"}])
def test_the_decision_list_makes_the_same_number_of_queries_at_two_sizes(t, client, params):
    client.force_login(t.ward1_mr)
    more_reviews(t, 1)
    small = count(client, reverse("objectives:decision_list"), params)
    more_reviews(t, 5)
    assert_same(small, count(client, reverse("objectives:decision_list"), params), "decision list")


def test_the_review_list_and_a_planned_review_page_make_the_same_number_of_queries_at_two_sizes(t, client):
    client.force_login(t.superuser)
    planned = make_review(t, unit=t.district, chair=t.superuser, participants=[t.participant])
    more_reviews(t, 1)
    small = (count(client, reverse("objectives:review_list")), count(client, planned.get_absolute_url()))
    more_reviews(t, 5)
    make_review(t, unit=t.ward2, chair=t.superuser)
    large = (count(client, reverse("objectives:review_list")), count(client, planned.get_absolute_url()))
    assert_same(small[0], large[0], "review list")
    assert_same(small[1], large[1], "review page")


def test_a_decision_with_bad_input_keeps_the_form_and_saves_nothing(t, client):
    review = hold(t, make_review(t))
    client.force_login(t.ward1_mr)
    url = reverse("objectives:decision_add", args=[review.pk])
    yesterday = (review.meeting_on - timedelta(days=1)).isoformat()
    response = client.post(url, {"kind": "resources", "description": "Thêm 2 máy quét", "owner": t.owner.pk,
                                 "due_on": yesterday})
    assert response.status_code == 200
    html = response.content.decode()
    assert "The due date cannot be before the meeting." in html and "Thêm 2 máy quét" in html
    assert not ReviewDecision.objects.exists()
    response = client.post(url, {"kind": "resources", "description": "Thêm 2 máy quét", "owner": t.owner.pk,
                                 "due_on": (review.meeting_on + timedelta(days=20)).isoformat()})
    assert response.status_code == 302 and ReviewDecision.objects.count() == 1


def test_the_transition_page_asks_the_chair_for_the_password_and_refuses_a_wrong_one(t, client):
    review = hold(t, make_review(t))
    services.review_update(acting_user=t.ward1_mr, review=review, conclusions="Phù hợp.")
    client.force_login(t.ward1_mr)
    url = reverse("objectives:review_transition", args=[review.pk, "sign"])
    assert 'type="password"' in client.get(url).content.decode()
    response = client.post(url, {"password": "not-it"})
    assert response.status_code == 200 and "The password is not correct" in response.content.decode()
    review.refresh_from_db()
    assert review.status == "held"
    assert client.post(url, {"password": t.password}).status_code == 302
    review.refresh_from_db()
    assert review.status == "signed"


def reminders(user):
    return list(Notification.objects.filter(kind="review_decisions_due", recipient=user))


def test_owners_get_one_message_listing_their_decisions_due_then_weekly_while_overdue(t):
    review = hold(t, make_review(t))
    add_decision(t, review, due_in=3, description="Một")
    add_decision(t, review, due_in=5, description="Hai")
    add_decision(t, review, due_in=60, description="Chưa đến hạn")
    today = timezone.localdate()
    services.review_decision_reminders_send(today=today)
    [message] = reminders(t.owner)
    assert message.params["count"] == 2
    services.review_decision_reminders_send(today=today)  # beat firing twice
    assert len(reminders(t.owner)) == 1
    later = today + timedelta(days=6)  # both overdue now: one more message listing both
    if later.weekday() == 6:  # the claims are weekly from Monday: keep 'the next day' in the same week
        later += timedelta(days=1)
    services.review_decision_reminders_send(today=later)
    assert len(reminders(t.owner)) == 2 and reminders(t.owner)[-1].params["count"] == 2
    services.review_decision_reminders_send(today=later + timedelta(days=1))
    assert len(reminders(t.owner)) == 2  # the same week: nothing again
    services.review_decision_reminders_send(today=later + timedelta(days=7))  # a week later: again
    assert len(reminders(t.owner)) == 3


def test_a_decision_done_is_no_longer_reminded(t):
    review = hold(t, make_review(t))
    decision = add_decision(t, review, due_in=2)
    services.decision_complete(acting_user=t.owner, decision=decision, note="Xong.")
    services.review_decision_reminders_send(today=timezone.localdate() + timedelta(days=10))
    assert reminders(t.owner) == []


def test_my_work_lists_my_open_decisions_and_the_reviews_i_chair(t):
    review = make_review(t)
    titles = [s.title for s in review_work(t.ward1_mr)]
    assert "Management reviews I chair" in titles
    review = hold(t, review)
    decision = add_decision(t, review)
    [section] = review_work(t.owner)
    assert section.items[0][1] == decision.get_absolute_url()
    services.decision_complete(acting_user=t.owner, decision=decision, note="Xong.")
    assert review_work(t.owner) == []


def test_the_figure_counts_overdue_review_actions_in_the_readers_scope(t):
    review = hold(t, make_review(t, meeting_on=timezone.localdate() - timedelta(days=20)))
    add_decision(t, review, due_in=5)  # due 15 days ago
    add_decision(t, review, due_in=40)
    assert overdue_decisions(t.ward1_mr).count() == 1
    assert overdue_decisions(t.outsider).count() == 0


def test_the_figure_links_to_the_decisions_list_filtered_to_exactly_the_overdue_ones(t):
    from tests.objectives.figure_links import counted_and_listed

    review = hold(t, make_review(t, meeting_on=timezone.localdate() - timedelta(days=20)))
    add_decision(t, review, due_in=5)  # due 15 days ago
    add_decision(t, review, due_in=10)  # due 10 days ago
    add_decision(t, review, due_in=40)
    for unit, expected in ((t.district, 2), (t.ward1, 2), (t.ward2, 0)):
        assert counted_and_listed(t.district_steering, "objectives.review_actions_overdue", unit) == (
            expected, expected)
