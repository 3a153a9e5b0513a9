"""The sessions part's demo: the bureau's awareness class of the source article (21 invited, 19
present, 2 absent on official business), closed; the district's internal auditor course whose
graduates hold a valid qualification; an upcoming class with invitations sent; made once."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qms_portal.demo import seed_demo
from qms_portal.models import User
from training import demo_sessions
from training.models import Participant, Qualification, Session

pytestmark = pytest.mark.django_db
A = Participant.Attendance


def test_the_demo_sessions_tell_the_source_articles_story_once():
    seed_demo("en")
    demo = {"language": "en"}
    assert demo_sessions.seed(demo) == 3 + 3 + 3
    awareness = demo["sessions"]["awareness"]
    assert awareness.status == Session.Status.CLOSED and awareness.unit.code == "CB"
    people = awareness.participants
    assert people.count() == 21 and people.filter(attendance=A.PRESENT).count() == 19
    assert sorted(people.filter(attendance=A.ABSENT).values_list("absence_reason", flat=True)) == ["因公外出"] * 2
    assert Qualification.objects.filter(participant__session=awareness).count() == 19
    today = timezone.localdate()
    auditor = User.objects.get(username="auditor")
    held = Qualification.objects.get(user=auditor, competence__code="internal-auditor")
    assert held.is_valid_on(today) and held.valid_until > today
    ia = demo["sessions"]["internal_auditor"]
    assert not Qualification.objects.filter(participant__session=ia, user__username="dist-office").exists()
    upcoming = demo["sessions"]["document_control"]
    assert upcoming.status == Session.Status.INVITED and upcoming.starts_at > timezone.now()
    assert demo_sessions.seed(demo) == 0
    client = Client()
    client.force_login(User.objects.get(username="trainer"))
    page = client.get(awareness.get_absolute_url()).content.decode()
    assert "因公外出" in page and "安波培训中心" in page
    assert client.get(reverse("training:session_list")).status_code == 200


def test_without_the_demo_units_nothing_is_made():
    assert demo_sessions.seed({"language": "en"}) == 0
