"""The records part's demo (robust without the sessions part's data) and its scale builder."""

from datetime import timedelta

from django.utils import timezone

from tests.training import records_factories as rf
from tests.training.records_helpers import session_page  # noqa: F401
from tests.viewtests import holder
from training import demo_records
from training.models import EffectivenessCheck, Feedback, Participant, Session
from training.scale_records import build_records


def test_the_demo_adds_nothing_without_a_session_held(db):
    assert demo_records.seed({"language": "vi"}) == 0


def test_the_demo_gives_feedback_certificates_records_checks_and_leaves_one_due(tree):
    holder(tree, "department_head", tree.ward1, name=f"{tree.prefix}demo-head")
    session = rf.make_session(tree.ward1, status=Session.Status.CLOSED, days_ago=120)
    people = [rf.add_participant(session, rf.person(f"Học viên {i}", tree.ward1, language="vi")) for i in range(6)]
    rf.add_participant(session, rf.person("Vắng mặt", tree.ward1), attendance=Participant.Attendance.ABSENT,
                       reason="Đi công tác")
    for i, p in enumerate(people[:3]):
        rf.make_check(p, due_in_days=-20 + i)
    demo = {"language": "vi", "sessions": [session]}
    assert demo_records.seed(demo) > 0
    assert Feedback.objects.filter(participant__session=session).count() == 5  # one in five gives none
    assert Participant.objects.filter(session=session).exclude(certificate_number="").count() == 6
    assert EffectivenessCheck.objects.filter(checked_on__isnull=False).count() == 2
    assert EffectivenessCheck.objects.filter(checked_on__isnull=True).count() == 1
    before = Feedback.objects.count()
    demo_records.seed(demo)  # again: nothing twice
    assert Feedback.objects.count() == before


def test_the_scale_builder_adds_feedback_and_checks_in_bulk(tree):
    session = rf.make_session(tree.ward1, status=Session.Status.CLOSED, days_ago=100)
    for i in range(20):
        rf.add_participant(session, rf.person(f"P{i}", tree.ward1))
    summary = build_records(root=tree.city, share=0.5)
    assert 0 < summary["feedback"] < 20 and summary["checks"] == 20
    assert EffectivenessCheck.objects.filter(
        due_on=timezone.localdate(session.ends_at) + timedelta(days=91)).count() == 20
    assert build_records(root=tree.city, share=0.5)["checks"] == 0
