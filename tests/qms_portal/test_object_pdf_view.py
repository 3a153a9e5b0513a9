"""The core's one view for an object's PDF (``qms_portal.views.generic.ObjectPdfView``): the
permission through the same mechanism as the detail views (403 without it anywhere, 404 out of
scope), the file with its name, and back to the object's page with the reason when the PDF cannot
be made. Every area's PDF views are subclasses (their own tests and access-matrix rows cover them)."""

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from qms_portal import pdf
from qms_portal.models import Unit
from qms_portal.views.generic import ObjectPdfView
from tests import factories

pytestmark = pytest.mark.django_db


class UnitSheet(ObjectPdfView):
    model = Unit
    action = "change"
    pdf_template = "pdf/base.html"

    def pdf_context(self, unit):
        return {"object": unit, "unit_code": unit.code}

    def pdf_filename(self, unit):
        return f"{unit.code}.pdf"


def call(user, unit):
    request = RequestFactory().get(f"/units/{unit.pk}/sheet.pdf")
    request.user, request.session = user, SessionStore()
    request._messages = FallbackStorage(request)
    return request, UnitSheet.as_view()(request, pk=unit.pk)


@pytest.fixture
def made(monkeypatch):
    calls = []

    def fake(template, context, progress=None):
        calls.append((template, context["unit_code"]))
        return b"%PDF-1.4 fake"

    monkeypatch.setattr(pdf, "render_pdf", fake)
    return calls


def test_it_answers_the_pdf_in_scope_with_its_file_name(tree, made):
    local = factories.make_user(f"{tree.prefix}localadmin", tree.ward1)
    factories.assign(local, "administrator", tree.ward1)
    _request, response = call(local, tree.ward1)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content == b"%PDF-1.4 fake"
    assert response["Content-Disposition"] == f'attachment; filename="{tree.ward1.code}.pdf"'
    assert made == [("pdf/base.html", tree.ward1.code)]


def test_it_refuses_without_the_permission_anywhere_and_hides_what_is_out_of_scope(tree, made):
    with pytest.raises(PermissionDenied):
        call(tree.ward1_staff, tree.ward1)
    local = factories.make_user(f"{tree.prefix}localadmin", tree.ward1)
    factories.assign(local, "administrator", tree.ward1)
    with pytest.raises(Http404):
        call(local, tree.ward2)
    assert made == []


def test_when_the_pdf_cannot_be_made_it_goes_back_to_the_page_with_the_reason(tree, monkeypatch):
    def unavailable(template, context, progress=None):
        raise pdf.PdfUnavailable("PDF output is unavailable: no pango")

    monkeypatch.setattr(pdf, "render_pdf", unavailable)
    request, response = call(tree.admin, tree.ward1)
    assert response.status_code == 302 and response["Location"] == tree.ward1.get_absolute_url()
    assert [str(m) for m in get_messages(request)] == ["PDF output is unavailable: no pango"]
