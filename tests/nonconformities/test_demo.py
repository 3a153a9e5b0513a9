"""The nonconformities part of ``seed_demo``: the certification audit at the Department of Home
Affairs (6 minor nonconformities, every action done, each closed with the management
representative's signature before the certificate deadline), open and overdue ones elsewhere, late
files with apology letters, feedback from the desks' QR codes — built through the services, in the
agencies' languages, idempotent; and what the README's logins try works on it.

Built once for the module (every signature checks a password); each test runs in a savepoint."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from nonconformities import demo, services
from nonconformities.demo_data import CB_RAISED_TITLE, QUACERT_FINDINGS
from nonconformities.models import (
    CitizenFeedback,
    CorrectiveAction,
    DueDateExtension,
    NonconformingOutput,
    Nonconformity,
)
from nonconformities.services.escalation import actions_escalate
from qms_portal import areas
from qms_portal.demo import DEMO_PASSWORD, seed_demo
from qms_portal.models import Notification, TransitionRecord, User
from tests.helpers import built_once

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]
S = Nonconformity.Status


@pytest.fixture(scope="module")
def _demo(django_db_setup, django_db_blocker):
    def build():
        seed_demo()
        return demo.seed()

    with built_once(django_db_blocker, build) as made:
        yield made


@pytest.fixture
def made(_demo, db):
    return _demo


def person(username):
    return User.objects.get(username=username)


def login(username):
    client = Client()
    client.force_login(person(username))
    return client


def test_the_area_registers_its_demo_scale_and_bench_tools():
    area = areas.get("nonconformities")
    assert (area.demo, area.scale, area.bench) == (
        "nonconformities.demo.seed", "nonconformities.scale.NonconformitiesScale",
        "nonconformities.bench.NonconformitiesBench")
    assert demo.seed in [tool for _area, tool in areas.tools("demo")]


def test_the_certification_audits_six_minor_nonconformities_are_closed_and_signed_before_the_deadline(made):
    audit = Nonconformity.objects.filter(unit__code__startswith="DOHA", source=Nonconformity.Source.EXTERNAL_AUDIT)
    assert audit.count() == 6 == len(QUACERT_FINDINGS)
    assert set(audit.values_list("grade", flat=True)) == {Nonconformity.Grade.MINOR}
    assert set(audit.values_list("status", flat=True)) == {S.CLOSED}
    detected = {nc.detected_on for nc in audit}
    assert len(detected) == 1  # all found on the audit day
    deadline = detected.pop() + timedelta(days=90)
    content_type = ContentType.objects.get_for_model(Nonconformity)
    mr = person("mr")
    for nc in audit:
        assert nc.title.isascii() is False  # in Vietnamese
        assert nc.root_cause and nc.five_whys and nc.actions.exists()
        assert not nc.actions.exclude(status=CorrectiveAction.Status.DONE).exists()
        assert not nc.actions.filter(owner=mr).exists()
        assert nc.closed_at.date() <= deadline - timedelta(days=10)
        assert nc.verified_by == mr and nc.effective
        close = TransitionRecord.objects.get(content_type=content_type, object_id=nc.pk, transition="close")
        assert close.signature_meaning == "closed" and close.actor == mr
        assert abs(close.at - nc.closed_at) < timedelta(seconds=5)  # signed as it was closed
        # the story's order: raised, accepted, analysed, planned, actions done, verified — all in the past
        records = list(TransitionRecord.objects.filter(content_type=content_type, object_id=nc.pk).order_by("at"))
        assert [r.transition for r in records] == ["accept", "start_analysis", "plan", "start",
                                                   "submit_for_verification", "close"]
        assert max(a.completed_at for a in nc.actions.all()) < records[-2].at
        assert nc.history.earliest("history_date").history_date.date() == nc.detected_on


def test_open_and_overdue_ones_elsewhere_and_the_escalation_finds_them(made):
    today = timezone.localdate()
    overdue = CorrectiveAction.objects.filter(status__in=["open", "in_progress"], due__lt=today)
    assert {a.unit.code for a in overdue} >= {"DOHA-D03", "DIST-O01"}
    assert DueDateExtension.objects.filter(status="pending", action__owner__username="d03-deputy").exists()
    assert Nonconformity.objects.filter(unit__code="DOHA-D01", status=S.REPORTED).exists()
    cb = Nonconformity.objects.get(unit__code="CB-D16", title=CB_RAISED_TITLE)
    assert cb.status == S.IN_PROGRESS and cb.source == Nonconformity.Source.CITIZEN_FEEDBACK
    assert Nonconformity.objects.filter(unit__code="CB-D16", status=S.VERIFICATION).exists()
    result = actions_escalate()
    recipients = set(Notification.objects.filter(kind="actions_escalated").values_list("recipient__username",
                                                                                        flat=True))
    assert {"d03-deputy", "depthead", "dist-iso", "dist-office", "dist-mr", "cb-promotion"} <= recipients
    assert result.messages == len(recipients)


def test_late_files_with_apology_letters_and_desk_feedback_in_each_agencys_language(made):
    ward = NonconformingOutput.objects.filter(unit__code="DIST-W01")
    assert ward.count() == 3 and ward.filter(disposition="apology").count() == 2
    assert set(ward.values_list("recorded_by__username", flat=True)) == {"staff"}
    cb_file = NonconformingOutput.objects.get(unit__code="CB-D16")
    assert cb_file.citizen_language == "zh-hans" and cb_file.disposition == "apology"
    late = NonconformingOutput.objects.get(unit__code="DOHA-D03")
    assert services.desk.raised_from(late).exists()
    feedback = CitizenFeedback.objects.filter(unit__code="DIST-W01")
    assert feedback.count() == 5 and all(f.link_id for f in feedback)  # through the desk's QR link
    assert feedback.filter(status="answered").count() == 1 and feedback.filter(status="new", rating=2).exists()
    assert set(CitizenFeedback.objects.filter(unit__code="CB-D16").values_list("language", flat=True)) == {"zh-hans"}
    letter = login("staff").get(reverse("nonconformities:output_detail", args=[ward.filter(disposition="apology")
                                                                                .first().pk]))
    assert letter.status_code == 200


def test_each_login_finds_its_work(made):
    register = login("mr").get(reverse("nonconformities:register") + "?status=all&source=external_audit")
    closed = Nonconformity.objects.filter(source=Nonconformity.Source.EXTERNAL_AUDIT).first()
    assert register.status_code == 200 and closed.number in register.content.decode()
    extension = DueDateExtension.objects.get(status="pending")
    services.extension_decide(acting_user=person("mr"), extension=extension, approve=True)
    waiting = Nonconformity.objects.get(unit__code="DOHA-D01", status=S.REPORTED)
    services.nonconformity_transition(acting_user=person("doccontrol"), nonconformity=waiting, name="accept")
    verify = Nonconformity.objects.get(unit__code="CB-D16", status=S.VERIFICATION)
    services.nonconformity_transition(acting_user=person("cb-mr"), nonconformity=verify, name="close",
                                      password=DEMO_PASSWORD, data={"verification_note": "复查：登记完整。"})
    bad = CitizenFeedback.objects.get(unit__code="DIST-W01", status="new", rating=2)
    assert login("dist-iso").get(bad.get_absolute_url()).status_code == 200
    mine = login("depthead").get(reverse("nonconformities:action_list"))
    assert mine.status_code == 200


def test_a_second_run_makes_nothing(made):
    assert made >= 6 + 4
    before = (Nonconformity.objects.count(), CorrectiveAction.objects.count(), NonconformingOutput.objects.count(),
              CitizenFeedback.objects.count(), TransitionRecord.objects.count())
    assert demo.seed() == 0
    assert before == (Nonconformity.objects.count(), CorrectiveAction.objects.count(),
                      NonconformingOutput.objects.count(), CitizenFeedback.objects.count(),
                      TransitionRecord.objects.count())
