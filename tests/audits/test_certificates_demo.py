"""The certificates part of the audits demo: the demo agency's QUACERT TCVN ISO 9001:2015 certificate
and the Chinese bureau's GB/T 19001-2016 one, recorded through the services by each unit's ISO
officer, their surveillance audits ahead (the 90-day reminder sent), idempotent."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audits import demo_certificates
from audits.models import Certificate
from qms_portal.demo import seed_demo
from qms_portal.models import Notification, User
from tests.helpers import built_once

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


@pytest.fixture(scope="module")
def _demo(django_db_setup, django_db_blocker):
    def build():
        seed_demo()
        return demo_certificates.seed({})

    with built_once(django_db_blocker, build) as made:
        yield made


def test_the_two_certificates_of_the_story(_demo):
    assert _demo == 2
    doha = Certificate.objects.get(number=demo_certificates.DOHA["number"])
    assert doha.unit.code == "DOHA" and doha.body == "QUACERT" and doha.standard == Certificate.Standard.TCVN
    assert doha.history.first().history_user.username == "doccontrol"
    cb = Certificate.objects.get(number=demo_certificates.CB["number"])
    assert cb.unit.code == "CB" and cb.standard == Certificate.Standard.GBT and "行政审批" in cb.scope
    today = timezone.localdate()
    for c in (doha, cb):
        assert c.issued_on < today < c.expires_on and not c.is_withdrawn
        assert c.surveillance.filter(due_on__gt=today).exists()


def test_a_second_run_makes_nothing(_demo):
    assert demo_certificates.seed({}) == 0
    assert Certificate.objects.count() == 2


def test_the_keepers_got_the_surveillance_reminder_and_see_the_register(_demo):
    for username in ("mr", "doccontrol"):
        user = User.objects.get(username=username)
        assert Notification.objects.filter(recipient=user, kind="audits_due").count() == 1
    client = Client()
    client.force_login(User.objects.get(username="doccontrol"))
    page = client.get(reverse("audits:certificate_list")).content.decode()
    assert demo_certificates.DOHA["number"] in page and demo_certificates.CB["number"] not in page
    due = client.get(reverse("audits:surveillance_due")).content.decode()
    assert demo_certificates.DOHA["number"] in due
