"""The competence part's rows of the access matrix (composed by ``tests/training/access.py``).

Objects, on each unit of the matrix: a competence requirement (``requirement``: staff of the unit
must hold a competence) and a qualification (``qualification``) of a person of the unit who is
nobody of the matrix. Everyone reads their own qualifications and their training record ("My
training", a login is enough); the matrix's identities hold none of these qualifications, so they
reach them through their roles only. No single-object grants."""

from django.urls import reverse
from django.utils import timezone

from qms_portal.models import Role
from qms_portal.services import save_tracked
from tests import factories
from tests.viewtests import LOGIN, Listing, P
from training.models import Competence
from training.services import competence as services
from training.services.qualifications import qualification_create

REQ_VIEW, REQ_CHANGE = "training.view_competencerequirement", "training.change_competencerequirement"
Q_VIEW, Q_CHANGE = "training.view_qualification", "training.change_qualification"

ROWS = {
    "training:requirement_list": P(REQ_VIEW),
    "training:requirement_create": P("training.add_competencerequirement"),
    "training:requirement_edit": P(REQ_CHANGE, "requirement"),
    "training:requirement_deactivate": P(REQ_CHANGE, "requirement", post_only=True),
    "training:requirement_history": P(REQ_VIEW, "requirement"),
    "training:qualification_list": P(Q_VIEW),
    "training:qualification_create": P("training.add_qualification"),
    "training:qualification_detail": P(Q_VIEW, "qualification"),
    "training:qualification_history": P(Q_VIEW, "qualification"),
    "training:qualification_edit": P(Q_CHANGE, "qualification"),
    "training:qualification_withdraw": P(Q_CHANGE, "qualification"),
    "training:my_training": LOGIN,
}

LISTS = {
    "training:requirement_list": Listing(
        "requirement", REQ_VIEW, lambda r: f'href="{reverse("training:requirement_history", args=[r.pk])}"',
        query={"active": "all"}),
    "training:qualification_list": Listing("qualification", Q_VIEW, lambda q: f'href="{q.get_absolute_url()}"'),
}

SPOT_CHECKS = {
    ("training:my_training", "no_role", "-", "GET", None): 200,
    ("training:qualification_list", "staff", "-", "GET", None): 200,  # their own, if any
    ("training:qualification_detail", "staff", "in", "GET", None): 404,  # a colleague's: not theirs
    ("training:qualification_detail", "department_head", "in", "GET", None): 200,
    ("training:qualification_detail", "department_head", "out", "GET", None): 404,
    ("training:qualification_edit", "department_head", "in", "GET", None): 403,
    ("training:qualification_edit", "training_coordinator", "in", "GET", None): 200,
    ("training:qualification_withdraw", "training_coordinator", "out", "GET", None): 404,
    ("training:requirement_list", "staff", "-", "GET", None): 403,
    ("training:requirement_edit", "training_coordinator", "in", "GET", None): 200,
    ("training:requirement_edit", "management_representative", "in", "GET", None): 403,
    ("training:qualification_detail", "steering_committee", "in", "GET", None): 200,
}


def _competence():
    code = "matrix-iso-awareness"
    found = Competence.objects.filter(code=code).first()
    return found or save_tracked(Competence(code=code, name_en="ISO 9001 awareness", name_vi="Nhận thức ISO 9001",
                                            validity_months=36), acting_user=factories._acting())


def make_objects(tree, unit, grantee=None, objects=None):
    su = tree.superuser
    competence = _competence()
    requirement = services.requirement_create(acting_user=su, role=Role.objects.get(code="staff"),
                                              competence=competence, unit=unit, note=f"Toàn bộ công chức {unit.code}")
    holder = factories.make_user(f"{unit.code}-qualified".lower(), unit, full_name="Qualified Person")
    qualification = qualification_create(acting_user=su, user=holder, competence=competence,
                                         obtained_on=timezone.localdate(), outside_body="QUACERT",
                                         reference=f"QC-{unit.code}")
    return {"requirement": requirement, "qualification": qualification}
