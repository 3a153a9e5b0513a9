"""Panels: an area puts a section on another area's object page (``areas.Panel``) without that page
importing it; the page renders whatever is registered for its object with ``{% object_panels %}``."""

import pytest
from django.core.exceptions import PermissionDenied
from django.template import Context, Template
from django.test import RequestFactory

from qms_portal import areas
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def panel_templates(settings, tmp_path):
    (tmp_path / "panel_a.html").write_text("<p>A: {{ object.code }} {{ word }}</p>")
    (tmp_path / "panel_b.html").write_text("<p>B: {{ word }}</p>")
    templates = [dict(engine) for engine in settings.TEMPLATES]
    templates[0] = {**templates[0], "DIRS": [*templates[0]["DIRS"], tmp_path]}
    settings.TEMPLATES = templates
    return tmp_path


@pytest.fixture
def registered(monkeypatch):
    """Two panels on a unit's page, registered by an area (the first registered area, whatever it is)."""
    area = areas.registered()[0]
    calls = []

    def first(request, obj):
        calls.append(obj)
        return {"word": "first"}

    panels = [
        areas.Panel("qms_portal.Unit", "panel_b.html", context=lambda request, obj: {"word": "second"}, order=200),
        areas.Panel("qms_portal.Unit", "panel_a.html", context=first, order=10),
        areas.Panel("qms_portal.User", "panel_b.html", context=lambda request, obj: {"word": "never"}),
    ]
    monkeypatch.setattr(area, "panels", [*area.panels, *panels])
    return calls


def render(obj, user):
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load panels %}{% object_panels obj %}").render(Context({"obj": obj, "request": request}))


def test_the_panels_of_the_objects_model_are_rendered_in_their_order(panel_templates, registered):
    unit = factories.make_root("PANEL-1")
    html = render(unit, factories.make_superuser())
    assert html.index("<p>A: PANEL-1 first</p>") < html.index("<p>B: second</p>")
    assert "never" not in html
    assert registered == [unit]


def test_a_panel_whose_context_is_none_or_refused_is_left_out(panel_templates, monkeypatch):
    area = areas.registered()[0]

    def refuse(request, obj):
        raise PermissionDenied

    monkeypatch.setattr(area, "panels", [
        areas.Panel("qms_portal.Unit", "panel_a.html", context=lambda request, obj: None),
        areas.Panel("qms_portal.Unit", "panel_a.html", context=refuse),
        areas.Panel("qms_portal.Unit", "panel_b.html", context=lambda request, obj: {"word": "kept"}),
    ])
    html = render(factories.make_root("PANEL-2"), factories.make_superuser())
    assert html.strip() == "<p>B: kept</p>"


def test_a_context_named_by_its_dotted_path_is_imported_when_first_used():
    panel = areas.Panel("qms_portal.Unit", "x.html", context="tests.qms_portal.test_panels.sample_context")
    assert panel.context_for(None, "obj") == {"word": "obj"}
    assert panel.context is sample_context


def sample_context(request, obj):
    return {"word": obj}


def test_a_panel_names_its_model_by_app_label_and_name():
    with pytest.raises(ValueError):
        areas.Panel("Unit", "x.html", context=sample_context)


def test_panels_for_finds_the_registered_ones_by_model():
    found = areas.panels_for(__import__("documents.models", fromlist=["Document"]).Document)
    assert any(p.template == "training/matrix/document_coverage.html" for p in found)
    assert areas.panels_for(factories.roles()["staff"]) == []
