"""A province-like world for the dashboard's tests, built by ``seed_scale`` (every area's scale
builder) at two sizes, with a steering committee member on the root and a department head on one
department."""

import io

import pytest
from django.core.management import call_command

from qms_portal.models import Unit
from tests import factories

SIZES = {"small": (8, 40, 20), "large": (20, 100, 60)}  # units, people, records per area


def seed(size):
    units, users, records = SIZES[size]
    call_command(
        "seed_scale", "--units", str(units), "--users", str(users), "--prefix", f"PV{size[0].upper()}",
        "--documents", str(records), "--revisions", str(records + 10), "--acknowledgements", "0",
        "--due-acknowledgements", "0", "--nonconformities", str(records), "--actions", str(records),
        "--audits", str(max(2, records // 10)), "--checklist-items", "0", "--indicators", str(max(2, records // 10)),
        "--indicator-months", "3", "--surveys", "2", "--survey-responses", "6", "--risks-per-unit", "1",
        "--reviews", "1", "--review-decisions", "2", "--training-sessions", "0", "--training-participants", "0",
        "--qualifications", str(records), "--matrix-revisions", "0", "--plan-items", str(records),
        stdout=io.StringIO())
    root = Unit.objects.get(code=f"PV{size[0].upper()}")
    steering = factories.make_user(f"steer-{size}", root)
    factories.assign(steering, "steering_committee", root)
    department = Unit.objects.filter(parent=root).order_by("path").first()
    head = factories.make_user(f"head-{size}", department)
    factories.assign(head, "department_head", department)
    return {"root": root, "steering": steering, "department": department, "head": head}


@pytest.fixture(params=list(SIZES))
def world(request, db):
    return seed(request.param)
