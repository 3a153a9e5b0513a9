"""The competence part's demo: requirements at the root units, qualifications from outside bodies in
their units' languages (one expiring next month, its holder and head reminded), every internal
auditor of the demo validly qualified (so the audits demo's auditors pass the auditor check), and a
second run changing nothing."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qms_portal.demo import seed_demo
from qms_portal.models import Notification, RoleAssignment, User
from tests.helpers import built_once
from training import demo_competence
from training.models import CompetenceRequirement, Qualification
from training.selectors.competence import State, state_of, valid_on_q
from training.services.competence_reminders import MESSAGE

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


@pytest.fixture(scope="module")
def _demo(django_db_setup, django_db_blocker):
    def build():
        seed_demo()
        return demo_competence.seed({})

    with built_once(django_db_blocker, build) as made:
        yield made


def test_the_requirements_are_set_at_the_root_units(_demo):
    rows = {(r.role.code, r.competence.code) for r in CompetenceRequirement.objects.filter(unit__parent__isnull=True)}
    assert {("internal_auditor", "internal-auditor"), ("document_controller", "document-control"),
            ("staff", "iso-awareness")} <= rows


def test_every_internal_auditor_holds_a_valid_qualification(_demo):
    today = timezone.localdate()
    auditors = set(RoleAssignment.objects.current().filter(role__code="internal_auditor", user__is_active=True)
                   .values_list("user_id", flat=True))
    assert auditors
    valid = set(Qualification.objects.filter(valid_on_q(today), competence__code="internal-auditor")
                .values_list("user_id", flat=True))
    assert auditors <= valid


def test_one_qualification_expires_next_month_and_was_reminded(_demo):
    expiring = [q for q in Qualification.objects.filter(is_withdrawn=False) if state_of(q) == State.EXPIRING]
    assert len(expiring) == 1 and expiring[0].user.username == "dist-iso"
    assert Notification.objects.filter(kind=MESSAGE, recipient=expiring[0].user).count() == 1
    cb = Qualification.objects.get(user__username="cb-doccontrol")
    assert "中国质量认证中心" in cb.outside_body
    assert demo_competence.seed({}) == 0  # a second run makes nothing and reminds nothing more
    assert Notification.objects.filter(kind=MESSAGE, recipient=expiring[0].user).count() == 1


def test_the_staff_member_sees_their_training_record(_demo):
    client = Client()
    client.force_login(User.objects.get(username="staff"))
    page = client.get(reverse("training:my_training")).content.decode()
    assert 'data-testid="my-qualifications"' in page and "SNV" not in page  # (the reference is on its page)
