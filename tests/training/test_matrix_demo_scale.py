"""The matrix part's demo (``training/demo_matrix.py``) and scale builder (``training/scale_matrix.py``):
robust when the other parts built nothing, idempotent, and giving the matrix and the coverage panel
something to show."""

import pytest

from documents.models import Revision
from qms_portal.bench.scale import build_scale
from tests.documents import factories as docs
from tests.documents.factories import doc_setup
from training import demo_matrix, scale_matrix
from training.models import CompetenceRequirement, Course, Participant, Qualification
from training.selectors import matrix as selectors

pytestmark = pytest.mark.django_db


def test_the_demo_marks_a_revision_and_holds_a_session_on_it_once():
    s = doc_setup()
    docs.effective_document(s, title="Quy trình tiếp nhận hồ sơ")
    demo = {"language": "vi"}
    assert demo_matrix.seed(demo) > 0
    revision = demo["revision_needing_training"]
    assert Revision.objects.get(pk=revision.pk).needs_training
    course = Course.objects.get(revision=revision)
    present = Participant.objects.filter(session__course=course, attendance="present").count()
    absent = Participant.objects.get(session__course=course, attendance="absent")
    assert present >= 1 and absent.absence_reason == "Đi công tác"
    rows = selectors.revision_coverage(revision)
    assert sum(r["done"] for r in rows) == present and sum(r["total"] for r in rows) == 7
    assert CompetenceRequirement.objects.filter(competence__code="iso-awareness").exists()
    assert demo_matrix.seed({"language": "vi"}) == 0  # a second run makes nothing


def test_the_demo_without_documents_makes_only_requirements():
    assert demo_matrix.seed({"language": "en"}) >= 0
    assert not Course.objects.exists()


def test_the_scale_builder_fills_the_matrix_of_a_small_province(tree):
    summary = build_scale(units=12, users=80, prefix="MXS", notifications=0, access_requests=0)
    root = summary["root"]
    built = scale_matrix.build_matrix(root=root, revisions=0)
    assert built["requirements"] == 4 and built["assignments"] > 0 and built["qualifications"] > 0
    nodes = selectors.unit_summaries(tree.superuser, root)
    assert sum(n.people for n in nodes) == 80 and sum(n.gaps for n in nodes) > 0
    assert sum(n.expiring for n in nodes) > 0
    again = scale_matrix.build_matrix(root=root, revisions=0)
    assert again["requirements"] == 0
    assert Qualification.objects.filter(user__primary_unit__path__startswith=root.path).count() == \
        built["qualifications"] + again["qualifications"]
