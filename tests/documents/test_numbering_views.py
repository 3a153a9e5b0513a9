"""The numbering page of a unit (documents' code prefix and pattern, the next code of each type), its
History tab, and the list of units whose numbering the user may set."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents import services
from documents.models import Document, DocumentType, RegisterSettings
from qms_portal import fragments
from tests import factories
from tests.viewtests import PermissionCases, holder, logged_in

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


# --- Who may open what ------------------------------------------------------------------------------


class TestNumberingPageAccess(PermissionCases):
    url_name = "documents:numbering_edit"
    role = "document_controller"
    lacking_role = "staff"  # sees the unit, may not set its numbering


class TestNumberingSaveAccess(PermissionCases):
    url_name = "documents:numbering_edit"
    role = "document_controller"
    lacking_role = "department_head"  # writes documents, does not keep the register
    method = "post"
    data = {"prefix": "W1", "pattern": "{prefix}-{type}-{number:03d}"}
    ok_status = 302


class TestNumberingHistoryAccess(PermissionCases):
    url_name = "documents:numbering_history"
    role = "document_controller"
    lacking_role = "staff"


class TestNumberingListAccess(PermissionCases):
    url_name = "documents:numbering"
    role = "administrator"
    lacking_role = "steering_committee"
    scoped = False

    def make_object(self, tree, unit):
        return None


def test_a_unit_the_user_sees_but_may_not_number_answers_403(tree):
    user = holder(tree, "staff")  # sees the whole district
    factories.assign(user, "document_controller", tree.ward2, include_subunits=False)
    client = logged_in(user)
    assert client.get(reverse("documents:numbering_edit", args=[tree.ward1.pk])).status_code == 403
    assert client.get(reverse("documents:numbering_edit", args=[tree.ward2.pk])).status_code == 200
    assert client.get(reverse("documents:numbering_edit", args=[tree.division.pk])).status_code == 404


# --- The page ---------------------------------------------------------------------------------------


@pytest.fixture
def controller(tree):
    services.ensure_system_types()
    return holder(tree, "document_controller")


def page(client, unit):
    return client.get(reverse("documents:numbering_edit", args=[unit.pk]))


def next_code_of(response, type_code):
    for doc_type, code in response.context["next_codes"]:
        if doc_type.code == type_code:
            return code
    raise AssertionError(type_code)


def test_it_shows_the_default_numbering_and_the_next_code_of_each_type(tree, controller):
    response = page(logged_in(controller), tree.ward1)
    assert response.status_code == 200
    form = response.context["form"]
    assert (form["prefix"].value(), form["pattern"].value()) == (tree.ward1.code, "{prefix}-{type}-{number:02d}")
    assert {t.code for t, _code in response.context["next_codes"]} == set(
        DocumentType.objects.values_list("code", flat=True))
    assert next_code_of(response, "QT") == f"{tree.ward1.code}-QT-01"
    assert f"{tree.ward1.code}-QT-01" in response.content.decode()
    assert "no settings of its own yet" in response.content.decode()


def test_the_next_code_follows_the_documents_given_and_takes_none(tree, controller):
    qt = DocumentType.objects.get(code="QT")
    services.document_create(acting_user=controller, unit=tree.ward1, doc_type=qt, title="Quy trình A",
                             process_owner=controller, category="support")
    client = logged_in(controller)
    assert next_code_of(page(client, tree.ward1), "QT") == f"{tree.ward1.code}-QT-02"
    assert next_code_of(page(client, tree.ward1), "QT") == f"{tree.ward1.code}-QT-02"  # looking takes nothing
    document = services.document_create(acting_user=controller, unit=tree.ward1, doc_type=qt, title="Quy trình B",
                                        process_owner=controller, category="support")
    assert document.code == f"{tree.ward1.code}-QT-02"


def test_saving_sets_the_prefix_and_pattern_and_the_next_codes_follow(tree, controller):
    client = logged_in(controller)
    url = reverse("documents:numbering_edit", args=[tree.ward1.pk])
    response = client.post(url, {"prefix": "PX", "pattern": "{type}.{number:03d}/{prefix}"})
    assert response.status_code == 302 and response["Location"] == url
    row = RegisterSettings.objects.get(unit=tree.ward1)
    assert (row.prefix, row.pattern) == ("PX", "{type}.{number:03d}/{prefix}")
    response = client.get(url)
    assert "The numbering was saved." in response.content.decode()
    assert next_code_of(response, "HD") == "HD.001/PX"


def test_an_invalid_pattern_is_refused_with_a_message_and_the_form_keeps_what_was_typed(tree, controller):
    client = logged_in(controller)
    response = client.post(reverse("documents:numbering_edit", args=[tree.ward1.pk]),
                           {"prefix": "PX", "pattern": "{prefix}-{kind}-{number}"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "The pattern has an unknown field {kind}." in html
    assert 'value="PX"' in html and 'value="{prefix}-{kind}-{number}"' in html
    assert re.search(r'id="id_pattern"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="id_pattern"', html)
    assert not RegisterSettings.objects.filter(unit=tree.ward1).exists()


@pytest.mark.parametrize(("pattern", "message"), [
    ("{prefix}-{type}", "The pattern must include the number"),
    ("{prefix}-{type}-{number", "The pattern cannot be read"),
    ("{prefix}-{type}-{number:032d}", "The pattern cannot be read"),  # a width over 20
    ("{prefix}{prefix}{prefix}-{type}-{number}", "longer than 40 characters"),
])
def test_each_kind_of_bad_pattern_gets_its_own_message(tree, controller, pattern, message):
    response = logged_in(controller).post(reverse("documents:numbering_edit", args=[tree.ward1.pk]),
                                          {"prefix": "ABCDEFGHIJKLMNO", "pattern": pattern})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not RegisterSettings.objects.filter(unit=tree.ward1).exists()


def test_a_saved_pattern_that_cannot_number_is_flagged_on_the_page(tree, controller):
    # Saved before patterns were checked (the service refuses it now).
    RegisterSettings.objects.create(unit=tree.ward1, prefix="PX", pattern="{prefix}-{type}")
    response = page(logged_in(controller), tree.ward1)
    assert response.context["broken"] and next_code_of(response, "QT") is None
    assert "The saved pattern cannot number documents" in response.content.decode()


def test_the_history_tab_lists_each_change_of_the_settings(tree, controller):
    client = logged_in(controller)
    url = reverse("documents:numbering_edit", args=[tree.ward1.pk])
    history = reverse("documents:numbering_history", args=[tree.ward1.pk])
    assert "No history yet." in client.get(history).content.decode()
    client.post(url, {"prefix": "PX", "pattern": "{prefix}-{type}-{number:02d}"})
    client.post(url, {"prefix": "PY", "pattern": "{prefix}/{type}/{number:03d}"})
    response = client.get(history)
    html = response.content.decode()
    assert response.status_code == 200
    entries = response.context["entries"]
    assert len(entries) == 2 and entries[0]["user"] == controller
    assert ("Code prefix", "PX", "PY") in [(str(c["label"]), c["old"], c["new"]) for c in entries[0]["changes"]]
    assert "{prefix}/{type}/{number:03d}" in html
    assert f'href="{url}"' in html  # the Details tab leads back to the settings


# --- The list and the menu --------------------------------------------------------------------------


def test_the_list_shows_the_units_the_user_may_number_with_their_settings(tree, controller):
    services.register_settings_save(acting_user=controller, unit=tree.ward1, prefix="PX",
                                    pattern="{prefix}-{type}-{number:03d}")
    response = logged_in(controller).get(reverse("documents:numbering"))
    listed = {unit.code for unit in response.context["object_list"]}
    assert listed == {tree.district.code, tree.ward1.code, tree.ward2.code}  # not the city, not the agency
    html = response.content.decode()
    assert reverse("documents:numbering_edit", args=[tree.ward1.pk]) in html
    assert "{prefix}-{type}-{number:03d}" in html and "(default)" in html


def test_the_list_makes_as_many_queries_with_more_units(tree, client_for):
    client = client_for(tree.admin)
    url = reverse("documents:numbering")
    client.get(url)

    def count():
        fragments.forget_all()  # a first visit: the list keeps its content in the cache
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), len(response.context["object_list"])

    small, small_rows = count()
    for i in range(12):
        unit = factories.make_unit(tree.district, f"{tree.prefix}Q{i}", kind="ward")
        if i % 2:
            services.register_settings_save(acting_user=tree.superuser, unit=unit, prefix=f"Q{i}",
                                            pattern="{prefix}-{type}-{number:02d}")
    large, large_rows = count()
    assert large_rows > small_rows
    assert large == small


def test_the_menu_offers_numbering_to_those_who_may_set_it(tree, controller):
    link = reverse("documents:numbering")
    assert link in logged_in(controller).get(reverse("documents:register")).content.decode()
    reader = holder(tree, "staff")
    assert link not in logged_in(reader).get(reverse("documents:register")).content.decode()


def test_nothing_about_a_unit_is_saved_from_the_page_but_its_settings(tree, controller):
    before = Document.objects.count()
    logged_in(controller).post(reverse("documents:numbering_edit", args=[tree.ward1.pk]),
                               {"prefix": "PX", "pattern": "{prefix}-{number}", "unit": tree.division.pk})
    assert RegisterSettings.objects.get(unit=tree.ward1).pattern == "{prefix}-{number}"
    assert not RegisterSettings.objects.filter(unit=tree.division).exists()
    assert Document.objects.count() == before
