"""The documents part of ``seed_demo``: the Department of Home Affairs' 35-document set of the source
articles, with revisions, steps, legal references, two revisions waiting for review, and two
procedures sent to the district, whose one-stop-shop officer has them to read on a phone."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from documents import demo
from documents.models import Acknowledgement, Document, Revision
from qms_portal.models import User
from tests.helpers import listed_codes

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


@pytest.fixture
def seeded():
    call_command("seed_demo", verbosity=0)
    return Document.objects.filter(unit__code=demo.DOHA)


def test_the_department_has_the_35_documents_of_the_source_articles_once(seeded):
    assert seeded.count() == 35
    by_type = {}
    for document in seeded.select_related("doc_type"):
        key = document.doc_type.code if document.doc_type.level == 1 else f"QT/{document.category}"
        by_type[key] = by_type.get(key, 0) + 1
    assert by_type == {"STCL": 1, "CS": 1, "MT": 1, "QT/mandatory": 6, "QT/operational": 22, "QT/support": 4}
    assert all(d.current_revision_id for d in seeded)  # every one is effective
    operational = seeded.filter(category="operational")
    assert all(d.current_revision.steps.exists() and d.legal_time_limit_days for d in operational)
    assert all(d.current_revision.legal_refs.exists() for d in seeded)
    assert seeded.filter(revisions__number=2, revisions__status=Revision.Status.EFFECTIVE).count() >= 10
    assert Revision.objects.filter(document__in=seeded, status=Revision.Status.IN_REVIEW).count() == 2
    assert len({d.code for d in seeded}) == 35 and all(d.code.startswith("SNV-") for d in seeded)
    assert demo.seed() == 0 and seeded.count() == 35  # seeding again creates nothing


def test_the_ward_officer_reads_and_acknowledges_what_the_department_sent_to_the_district(seeded, client):
    staff = User.objects.get(username="staff")
    sent = seeded.filter(distribution__unit__code=demo.DISTRICT).distinct()
    assert sent.count() == len(demo.FOR_THE_DISTRICT)
    effective = Acknowledgement.objects.filter(revision__status=Revision.Status.EFFECTIVE)
    tasks = effective.filter(user=staff, acknowledged_at__isnull=True)
    assert {a.revision.document_id for a in tasks} == {d.pk for d in sent}
    # The department's own people still get them too (a list replaces the default audience).
    assert effective.filter(user__username="doccontrol", revision__document__in=sent).count() == 2

    client.force_login(staff)
    assert set(listed_codes(client.get(reverse("documents:register")))) == {d.code for d in sent}
    home = client.get("/").content.decode()
    document = sent.first()
    assert document.get_absolute_url() in home  # My work: to read and acknowledge
    page = client.get(document.get_absolute_url()).content.decode()
    assert "I have read and understood it" in page
    assert client.post(reverse("documents:document_acknowledge", args=[document.pk])).status_code == 302
    assert "You acknowledged this revision" in client.get(document.get_absolute_url()).content.decode()
