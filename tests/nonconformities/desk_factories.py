"""Test data of the one-stop-shop desk: a procedure with a legal time limit, nonconforming outputs
and citizen feedback, made through the services."""

import itertools
from datetime import date, timedelta
from urllib.parse import urlsplit

from django.test import Client

from documents import services as document_services
from nonconformities.services import desk, desk_feedback
from qms_portal.models import PublicLink
from tests.documents.factories import doc_type
from tests.factories import assign, make_superuser, make_user

_seq = itertools.count(1)


def procedure(unit, *, days=15, author=None, title=None):
    """A procedure (a draft is enough here) on ``unit`` with a legal time limit of ``days``."""
    author = author or make_superuser("desk-procedure-author")
    return document_services.document_create(
        acting_user=author, unit=unit, doc_type=doc_type("QT"), title=title or f"Cấp giấy phép {next(_seq)}",
        process_owner=author, category="operational", legal_time_limit_days=days)


def iso_officer(tree, unit=None, name=None):
    """The unit's ISO officer (document controller) on ``unit`` (default ward 1)."""
    unit = unit or tree.ward1
    person = make_user(name or f"{tree.prefix}iso-{unit.code}".lower(), unit, full_name=f"ISO officer {unit.code}")
    assign(person, "document_controller", unit)
    return person


def output(unit, *, acting_user, received=date(2026, 3, 2), due=date(2026, 3, 20), delivered=date(2026, 3, 25),
           disposition="apology", **fields):
    """A late file recorded on ``unit`` (by default due 20 March 2026, delivered 25 March: 3
    working days late)."""
    values = {"case_reference": f"HS-{next(_seq):05}", "delivered": "Giấy phép xây dựng",
              "citizen_name": "Nguyễn Văn An", "citizen_language": "vi", "received_on": received, "due_on": due,
              "delivered_on": delivered,
              "disposition": disposition, "requirement": "Thời hạn 15 ngày làm việc"}
    values.update(fields)
    return desk.output_record(acting_user=acting_user, unit=unit, **values)


def desk_link(unit, acting_user):
    """``(link, path)`` of the unit's desk QR link (``path`` with ``?lang=``)."""
    link, url = desk_feedback.desk_link_create(acting_user=acting_user, unit=unit)
    parts = urlsplit(url)
    return link, f"{parts.path}?{parts.query}" if parts.query else parts.path


def feedback(unit, acting_user, *, rating=2, comment="Chờ quá lâu.", contact="0912345678", **more):
    """One citizen's answer through the unit's desk link (the real page, no account)."""
    link = PublicLink.objects.filter(purpose=desk_feedback.PURPOSE, unit=unit, revoked_at__isnull=True).first()
    if link is None:
        link, _path = desk_link(unit, acting_user)
    data = {"rating": rating, "comment": comment, "contact": contact, **more}
    return desk_feedback.feedback_received(link, {"website": "", "citizen_name": "", "case_reference": "", **data})


def days(n):
    return timedelta(days=n)


def anonymous():
    return Client()
