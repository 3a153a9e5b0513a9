"""The review part of the objectives demo: the Department of Home Affairs' management review, held
with its inputs frozen, its minutes signed by ``mr``, decisions open and done; idempotent."""

import pytest
from django.test import Client

from objectives import demo_review
from objectives.models import ManagementReview, ReviewDecision
from qms_portal.demo import seed_demo
from qms_portal.models import TransitionRecord, User
from tests.helpers import built_once

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


@pytest.fixture(scope="module")
def _demo(django_db_setup, django_db_blocker):
    def build():
        seed_demo()  # (once the objectives area registers its demo, this already seeds the review)
        return demo_review.seed({})

    with built_once(django_db_blocker, build) as made:
        yield made


def test_the_department_of_home_affairs_held_its_review_and_signed_the_minutes(_demo):
    review = ManagementReview.objects.get(unit__code="DOHA")
    assert review.status == ManagementReview.Status.SIGNED and review.chair.username == "mr"
    keys = [entry["key"] for entry in review.snapshot["inputs"]]
    assert {"previous_actions", "nonconformities", "audits", "resources"} <= set(keys)
    signed = TransitionRecord.objects.get(object_id=review.pk, transition="sign")
    assert signed.signature_meaning == "minutes_signed" and signed.actor.username == "mr"
    statuses = sorted(review.decisions.values_list("status", flat=True))
    assert statuses == ["done", "open", "open"]
    assert ReviewDecision.objects.filter(review=review, owner__username="depthead", status="open").exists()


def test_a_second_run_makes_nothing(_demo):
    assert demo_review.seed({}) == 0
    assert ManagementReview.objects.filter(unit__code="DOHA").count() == 1


def test_the_demo_review_opens_for_its_chair_with_its_pdf(_demo):
    review = ManagementReview.objects.get(unit__code="DOHA")
    client = Client()
    client.force_login(User.objects.get(username="mr"))
    page = client.get(review.get_absolute_url()).content.decode()
    assert "Minutes signed (chair)" in page and "Bổ sung 02 công chức" in page
    assert client.get(f"/objectives/reviews/{review.pk}/minutes.pdf").status_code == 200
    depthead = User.objects.get(username="depthead")
    client.force_login(depthead)
    assert "Bổ sung 02 công chức" in client.get("/objectives/decisions/?mine=true").content.decode()
