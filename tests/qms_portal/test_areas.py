"""One way in for every area: the core imports none, each registers its parts, and the web process
never loads the benchmark tools."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission

from qms_portal import areas, mywork, notifications, workflow
from qms_portal.celery import app
from qms_portal.roles import SYSTEM_ROLES, ensure_system_roles
from qms_portal.selectors import assignable_permissions

ROOT = Path(settings.BASE_DIR)


def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module, node.lineno
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                "import_module", "import_string", "__import__") and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                yield first.value, node.lineno


def core_imports_of_areas():
    found = []
    for path in sorted((ROOT / "qms_portal").rglob("*.py")):
        for module, line in _imports(path):
            if module.split(".")[0] in settings.QMS_AREAS:
                found.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return found


def test_the_core_imports_no_area():
    assert core_imports_of_areas() == []


def test_the_import_check_would_see_an_area_imported_by_the_core(tmp_path, monkeypatch):
    """The check above reads real import statements (guard against it finding nothing at all)."""
    sample = tmp_path / "qms_portal" / "sample.py"
    sample.parent.mkdir()
    sample.write_text("from documents.models import Document\nimport audits.services\n"
                      "x = import_module('training.tasks')\n", encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert len(core_imports_of_areas()) == 3


def test_the_areas_are_one_list_in_the_settings_installed_after_the_core():
    assert settings.QMS_AREAS == ["documents", "nonconformities", "audits", "objectives", "training"]
    assert settings.INSTALLED_APPS[-len(settings.QMS_AREAS):] == settings.QMS_AREAS
    assert settings.INSTALLED_APPS.index("qms_portal") < settings.INSTALLED_APPS.index("documents")


def test_each_area_mounts_its_pages_under_its_label(client):
    from django.urls import reverse

    assert reverse("documents:register") == "/documents/"


def test_documents_registers_its_parts():
    area = areas.get("documents")
    assert "revision_approved" in notifications.KINDS
    assert area.my_work[0] in mywork.PROVIDERS
    assert {"documents-publish-due", "documents-reminders"} <= set(app.conf.beat_schedule)
    assert app.conf.beat_schedule["documents-publish-due"]["task"] == "documents.tasks.publish_due"
    assert "outbox-flush" in app.conf.beat_schedule  # the core's own next to the areas'
    assert workflow.meaning_label("reviewed") == "Reviewed"
    assert area.menu == "Documents" and area.menu_links[0].url_name == "documents:register"
    assert [figure.key for _area, figure in areas.dashboard_figures()][:1] == ["documents.effective"]
    # Tools are named, not imported, when the area registers.
    assert area.scale == "documents.scale.DocumentsScale" and area.bench == "documents.bench.DocumentsBench"


def test_an_area_not_in_the_list_cannot_register():
    with pytest.raises(ValueError, match="QMS_AREAS"):
        areas.register("elsewhere")


def test_an_area_cannot_register_twice_nor_claim_a_kind_another_has():
    with pytest.raises(ValueError, match="twice"):
        areas.register("documents")
    with pytest.raises(ValueError, match="twice"):
        notifications.register_kinds({"revision_approved": "x"})


def test_a_workflow_cannot_sign_with_a_meaning_nobody_declared():
    from qms_portal.models import Unit

    with pytest.raises(ValueError, match="meaning"):
        workflow.register(workflow.Workflow(model=Unit, transitions=[workflow.Transition(
            name="bless", label="Bless", sources=("a",), target="b", permission="qms_portal.change_unit",
            signature="blessed")]))


@pytest.mark.django_db
def test_seeded_roles_get_the_core_and_the_areas_permissions():
    roles = ensure_system_roles()
    held = set(roles["document_controller"].permissions.values_list("content_type__app_label", "codename"))
    assert ("documents", "add_document") in held and ("qms_portal", "view_unit") in held
    assert "documents.add_document" not in str(SYSTEM_ROLES)  # the core names no area's permission
    staff = set(roles["staff"].permissions.values_list("codename", flat=True))
    assert "view_document" in staff and "add_document" not in staff


@pytest.mark.django_db
def test_roles_may_carry_the_permissions_of_every_area_and_the_core_only():
    labels = set(assignable_permissions().values_list("content_type__app_label", flat=True))
    assert labels == {"qms_portal", "documents", "nonconformities", "audits", "objectives", "training"}
    assert not assignable_permissions().filter(content_type__model__startswith="historical").exists()
    assert Permission.objects.filter(content_type__app_label="auth").exists()  # Django's own: left out


@pytest.mark.django_db
def test_documents_dashboard_figures_count_what_the_reader_may_see():
    from tests.documents.factories import doc_setup, effective_document

    s = doc_setup()
    effective_document(s)
    figures = {figure.key: figure for _area, figure in areas.dashboard_figures()}
    effective = figures["documents.effective"]
    assert effective.queryset(s.staff).count() == 1  # the department's, seen from its office
    assert effective.queryset(s.outsider).count() == 0  # another agency's staff
    assert str(effective.url) == "/documents/?status=effective"


def test_the_web_process_never_imports_the_benchmark_tools():
    """A web worker loads the settings, the WSGI application and every URL's view; the scale
    builders, bench pages and demo data are tools of the management commands only."""
    code = (
        "import sys, django; django.setup();"
        "from qms_portal.wsgi import application;"
        "from django.urls import get_resolver; get_resolver().url_patterns;"
        "from tests.viewtests import walk_urls; list(walk_urls());"
        "bad = sorted(m for m in sys.modules if m.startswith('qms_portal.bench') or m.endswith(('.scale', '.bench',"
        " '.demo')) or '.scale.' in m);"
        "print(','.join(bad))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "qms_portal.settings",
                                 "DEBUG": "1"}, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == ""


@pytest.mark.django_db
def test_the_main_menu_offers_each_area_s_entries_to_whoever_has_a_use_for_them(django_assert_num_queries):
    """The areas' menus are data (``menu``, ``menu_links``): each entry behind what it needs, an area
    with no entry offered has no menu, the page's area is marked, a part's entries join its area's in
    the parts' order, and an entry may open its page filtered."""
    from tests import factories

    tree = factories.small_tree()
    staff = tree.ward1_staff
    areas.main_menu(tree.admin, "/")  # the process's names of permissions, read once
    with django_assert_num_queries(1):  # the reader's role grants, once; the addresses are reversed once
        menus = {str(menu.label): menu for menu in areas.main_menu(staff, "/audits/findings/")}
    assert "Nonconformities" in menus and "Training" in menus
    training = [str(label) for label, _address in menus["Training"].links]
    # the sessions part's, then the records part's, then the competence part's
    assert training.index("Training sessions") < training.index("My certificates and feedback") < training.index(
        "My training")
    assert ("My actions", "/nonconformities/actions/?mine=true") in [
        (str(label), address) for label, address in menus["Nonconformities"].links]
    assert not menus["Nonconformities"].active
    nobody = factories.make_user(f"{tree.prefix}nobody", tree.ward1)
    offered = {str(menu.label) for menu in areas.main_menu(nobody, "/")}
    assert offered == {"Training"}  # everyone's own training; no area whose entries all need a role
    admin_menus = {str(menu.label): menu for menu in areas.main_menu(tree.admin, "/audits/findings/")}
    assert admin_menus["Audits"].active and not admin_menus["Documents"].active
    assert [str(label) for label, _address in admin_menus["Audits"].links][-3:] == [
        "Certificates", "Surveillance audits due", "Audit figures"]
