"""The sessions part's scale builder: the sessions and participants asked for, numbered as the
service numbers them (the next session planned takes the next number), absences with their
reasons, the bench's session with its attendees; the pages read in the same number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tests.training import sessions_factories as f
from training.models import Participant, Session
from training.scale_sessions import build_sessions, largest_session

pytestmark = pytest.mark.django_db


def test_the_scale_builder_makes_what_it_is_asked_for():
    tree = factories.small_tree()
    for unit in (tree.ward1, tree.ward2, tree.division):
        f.people(unit, 12)
    summary = build_sessions(root=tree.city, sessions=30, participants=330)
    assert summary["sessions"] == Session.objects.count() == 30
    assert Participant.objects.count() == summary["participants"]
    assert not Participant.objects.filter(attendance="absent", absence_reason="").exists()
    assert Participant.objects.filter(session__status="closed", attendance="unknown").count() == 0
    big = largest_session()
    assert big.participants.count() == summary["largest"] and Session.objects.get(pk=big.pk).status == "held"
    numbered = Session.objects.filter(unit=tree.ward1).order_by("-number").first()
    fresh = f.session(tree.superuser, tree.ward1, starts_in=timedelta(days=400))
    assert fresh.number not in set(Session.objects.exclude(pk=fresh.pk).values_list("number", flat=True))
    assert numbered is not None
    client = Client()
    client.force_login(tree.superuser)
    for url in (reverse("training:session_list"), reverse("training:session_detail", args=[big.pk]),
                reverse("training:session_attendance", args=[big.pk])):
        assert client.get(url).status_code == 200


def test_the_session_pages_read_in_the_same_number_of_queries_whatever_the_attendees():
    tree = factories.small_tree()
    su = tree.superuser
    small = f.held_session(su, tree.ward1, f.people(tree.ward1, 2))
    large = f.held_session(su, tree.ward1, f.people(tree.ward1, 25, prefix="q"))
    client = Client()
    client.force_login(su)

    def count(url):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    for name in ("training:session_detail", "training:session_attendance"):
        assert count(reverse(name, args=[small.pk])) == count(reverse(name, args=[large.pk])), name


def test_seed_scale_makes_the_catalogue_in_a_database_just_migrated_without_a_superuser():
    """``make bench`` on a fresh database: nobody to act as but the portal's own account (the
    catalogue goes through the services, which check who acts)."""
    import io

    from django.core.management import call_command

    from qms_portal.models import User
    from training.models import Course

    assert not User.objects.filter(is_superuser=True).exists()
    call_command("seed_scale", "--only", "training.sessions", "--units", "6", "--users", "30",
                 "--training-sessions", "5", "--training-participants", "40", stdout=io.StringIO())
    assert Course.objects.count() == 3 and Session.objects.count() == 5
    assert {h.history_user.username for h in Course.history.all()} == {"system"}
