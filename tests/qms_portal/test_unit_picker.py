"""The unit picker (qms_portal/unit_picker.py): the field, the widget, the filter and the search
endpoint. What the list offers and what the form accepts are one scope, checked through
``permissions.restrict``; nothing outside it is offered, named back or accepted."""

import json
import re
from urllib.parse import unquote

import pytest
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qms_portal.forms import AccessRequestForm, RoleAssignmentForm, UnitForm
from qms_portal.unit_picker import RESULTS, UnitChoiceField, UnitMultipleChoiceField, UnitScope, search_units
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


@pytest.fixture
def tree():
    t = factories.small_tree()
    # Vietnamese names, to be found without their tone marks
    t.ward1.name = "Phường Thuận Hòa"
    t.ward1.save()
    t.ward2.name = "Phường Đông Ba"
    t.ward2.save()
    return t


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def search(user, q="", scope=None):
    params = {"q": q} | ({"scope": scope} if scope else {})
    response = client_for(user).get(reverse("unit_search"), params)
    assert response.status_code == 200, response.status_code
    return response.json()


def codes(data):
    return [row["code"] for row in data["results"]]


# --- the field --------------------------------------------------------------------------------------

def field_for(user, scope=None):
    return UnitChoiceField().bind(user, scope or UnitScope("view"))


def test_the_field_takes_an_id_a_code_a_label_or_a_unique_part_of_the_name(tree):
    field = field_for(tree.admin)
    assert field.clean(str(tree.ward1.pk)) == tree.ward1
    assert field.clean(tree.ward1.code.lower()) == tree.ward1
    assert field.clean(str(tree.ward1)) == tree.ward1  # the label the box shows: "CODE · name"
    assert field.clean("thuan hoa") == tree.ward1  # no tone marks
    assert field.clean("Đông Ba") == tree.ward2


def test_several_matches_are_an_error_naming_them(tree):
    field = field_for(tree.admin)
    with pytest.raises(Exception) as error:
        field.clean("phuong")
    message = " ".join(error.value.messages)
    assert "Several units match" in message
    assert tree.ward1.code in message and tree.ward2.code in message


def test_a_unit_outside_the_scope_is_refused_and_never_named(tree):
    field = field_for(tree.ward1_staff)  # staff on ward1 only
    assert field.clean(str(tree.ward1.pk)) == tree.ward1
    for value in (str(tree.ward2.pk), tree.ward2.code, "dong ba", str(tree.agency.pk)):
        with pytest.raises(Exception) as error:
            field.clean(value)
        assert error.value.code == "invalid_choice"
        assert tree.ward2.name not in " ".join(error.value.messages)
    # an id from outside: the form's usual message
    with pytest.raises(Exception) as error:
        field.clean(str(tree.ward2.pk))
    assert error.value.messages == ["Select a valid choice. That choice is not one of the available choices."]


def test_an_inactive_unit_is_not_offered(tree):
    tree.ward2.is_active = False
    tree.ward2.save()
    field = field_for(tree.admin)
    with pytest.raises(Exception):
        field.clean(str(tree.ward2.pk))
    assert tree.ward2.code not in codes(search(tree.admin, "W2"))


def test_the_widget_holds_the_chosen_unit_only_never_the_list(tree):
    form = RoleAssignmentForm(user=tree.admin, initial={"unit": tree.ward1.pk})
    html = str(form["unit"])
    assert "<option" not in html and "<select" not in html
    assert f'value="{tree.ward1}"' in html
    assert tree.ward2.name not in html and tree.agency.name not in html
    selected = json.loads(html.split("data-selected=\"", 1)[1].split('"', 1)[0].replace("&quot;", '"'))
    assert selected["value"] == str(tree.ward1.pk)
    assert reverse("unit_search") + "?scope=" in html


def test_the_pickers_box_is_the_html_the_input_template_writes(tree):
    from django.template.loader import render_to_string

    for data in ({"unit": "phuong <b>\"x\"</b>"}, {"unit": str(tree.ward1.pk)}, None):
        form = RoleAssignmentForm(data=data, user=tree.admin) if data else RoleAssignmentForm(user=tree.admin)
        bound = form["unit"]
        widget = bound.field.widget
        context = widget.get_context(bound.html_name, bound.value(), bound.build_widget_attrs({"id": bound.auto_id}))
        template = render_to_string("django/forms/widgets/input.html", context).strip()
        assert context["widget"]["input"] == re.sub(r"\s+>", ">", template)  # (attrs.html ends with a line)


def test_the_form_keeps_what_was_typed_and_does_not_name_an_outside_unit(tree):
    form = RoleAssignmentForm(data={"user": tree.ward1_staff.username, "role": tree.roles["staff"].pk,
                                    "unit": "phuong"}, user=tree.admin)
    assert not form.is_valid()
    assert 'value="phuong"' in str(form["unit"])
    # someone posting the id of a unit outside their scope gets their id back, not the unit's name
    form = RoleAssignmentForm(data={"user": tree.ward1_staff.username, "role": tree.roles["staff"].pk,
                                    "unit": str(tree.agency.pk)}, user=tree.district_steering)
    assert not form.is_valid() and "unit" in form.errors
    html = str(form["unit"])
    assert f'value="{tree.agency.pk}"' in html and tree.agency.name not in html


# --- several units (UnitMultipleChoiceField) ---------------------------------------------------------

def many_for(user, scope=None, **kwargs):
    return UnitMultipleChoiceField(**({"required": False} | kwargs)).bind(user, scope or UnitScope("view"))


def test_the_field_for_several_units_takes_ids_or_lines_typed_without_script(tree):
    field = many_for(tree.admin)
    sent = field.widget.value_from_datadict(
        QueryDict(f"units={tree.ward1.pk}&units={tree.ward2.code}"), {}, "units")
    assert set(field.clean(sent)) == {tree.ward1, tree.ward2}
    typed = field.widget.value_from_datadict(QueryDict("units=thuan+hoa%0D%0A%0D%0ADong+Ba%0D%0A"), {}, "units")
    assert typed == ["thuan hoa", "Dong Ba"]
    assert set(field.clean(typed)) == {tree.ward1, tree.ward2}
    assert list(field.clean([])) == [] and list(field.clean(["thuan hoa", str(tree.ward1.pk)])) == [tree.ward1]


def test_the_field_for_several_units_names_every_line_it_cannot_read_and_never_an_outside_unit(tree):
    field = many_for(tree.ward1_staff)  # staff on ward1 only
    with pytest.raises(Exception) as error:
        field.clean([str(tree.ward1.pk), "dong ba", "nowhere"])
    messages = " ".join(error.value.messages)
    assert "“dong ba”" in messages and "“nowhere”" in messages and tree.ward2.name not in messages
    assert "dong ba" in field.widget.problem


def test_the_units_box_shows_the_chosen_units_one_a_line_and_holds_no_list(tree):
    field = many_for(tree.admin, scope=UnitScope(None, within=tree.district.path))
    html = field.widget.render("units", [tree.ward1.pk, tree.ward2.pk, "typed text", tree.agency.pk])
    assert "<textarea" in html and "<option" not in html and 'data-multiple="1"' in html
    assert str(tree.ward1) in html and str(tree.ward2) in html and "typed text" in html
    assert tree.agency.name not in html  # outside the field's branch: the id stays, never the name
    selected = json.loads(html.split("data-selected=\"", 1)[1].split('"', 1)[0].replace("&quot;", '"'))
    assert [row["value"] for row in selected] == [str(tree.ward1.pk), str(tree.ward2.pk)]
    # the branch travels signed with the search: the endpoint offers nothing outside it
    scope = field.widget.search_url.split("scope=", 1)[1]
    assert tree.agency.code not in codes(search(tree.admin, "", scope=unquote(scope)))
    assert tree.ward1.code in codes(search(tree.admin, "", scope=unquote(scope)))


def test_the_role_assignment_form_offers_where_the_user_may_assign(tree):
    form = RoleAssignmentForm(user=tree.admin)
    field = form.fields["unit"]
    assert isinstance(field, UnitChoiceField)
    assert set(field.queryset) == {tree.city, tree.district, tree.ward1, tree.ward2, tree.agency, tree.division}


def test_a_unit_cannot_move_under_itself_but_keeps_its_parent(tree):
    form = UnitForm(instance=tree.district, user=tree.admin)
    offered = set(form.fields["parent"].queryset)
    assert tree.ward1 not in offered and tree.district not in offered and tree.city in offered
    token = form["parent"].field.widget.search_url.split("scope=", 1)[1]
    from urllib.parse import unquote
    found = codes(search(tree.admin, "", unquote(token)))
    assert tree.ward1.code not in found and tree.district.code not in found and tree.city.code in found


def test_an_access_request_may_name_any_active_unit(tree):
    form = AccessRequestForm(user=tree.ward1_staff)
    assert tree.agency in set(form.fields["unit"].queryset)


# --- the endpoint -----------------------------------------------------------------------------------

def test_the_endpoint_finds_units_without_tone_marks_with_their_place_in_the_tree(tree):
    data = search(tree.admin, "thuan hoa")
    assert codes(data) == [tree.ward1.code]
    row = data["results"][0]
    assert row["value"] == str(tree.ward1.pk)
    assert row["path"] == f"{tree.city.name} › {tree.district.name}"
    assert data["more"] is False


def test_the_endpoint_lists_only_the_users_scope(tree):
    found = codes(search(tree.ward1_staff, tree.prefix))
    assert found == [tree.ward1.code]
    found = set(codes(search(tree.district_steering, tree.prefix)))
    assert found == {tree.district.code, tree.ward1.code, tree.ward2.code}
    assert codes(search(tree.outsider, "thuan")) == []


def test_the_endpoint_applies_the_fields_scope_for_the_person_asking(tree):
    form = RoleAssignmentForm(user=tree.admin)
    from urllib.parse import parse_qs, urlsplit
    token = parse_qs(urlsplit(form.fields["unit"].widget.search_url).query)["scope"][0]
    assert tree.ward2.code in codes(search(tree.admin, "W2", token))
    # the same token, from someone else: refused
    response = client_for(tree.ward1_staff).get(reverse("unit_search"), {"scope": token, "q": ""})
    assert response.status_code == 400
    # a forged one: refused
    response = client_for(tree.admin).get(reverse("unit_search"), {"scope": token[:-2] + "xx"})
    assert response.status_code == 400


def test_an_everyone_scope_is_still_limited_to_active_units_and_tied_to_its_user(tree):
    token = UnitScope(action=None).token(tree.ward1_staff)
    found = codes(search(tree.ward1_staff, tree.prefix, token))
    assert tree.agency.code in found  # asking for access: any active unit
    response = client_for(tree.outsider).get(reverse("unit_search"), {"scope": token})
    assert response.status_code == 400


def test_anonymous_visitors_are_sent_to_sign_in(tree):
    response = Client().get(reverse("unit_search"), {"q": "phuong"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_endpoint_returns_a_bounded_list_in_a_bounded_number_of_queries(tree):
    parent = tree.ward1
    for n in range(RESULTS + 5):
        factories.make_unit(parent, f"{tree.prefix}X{n:02d}", kind="division", name=f"Tổ {n}")
    client = client_for(tree.admin)
    with CaptureQueriesContext(connection) as queries:
        assert len(client.get(reverse("unit_search"), {"q": "thuan hoa"}).json()["results"]) == 1
    counts = [len(queries)]
    for q in ("to", "", tree.prefix):
        with CaptureQueriesContext(connection) as queries:
            data = client.get(reverse("unit_search"), {"q": q}).json()
        counts.append(len(queries))
        assert len(data["results"]) == RESULTS and data["more"] is True
    few = client.get(reverse("unit_search"), {"q": "Tổ 1"}).json()
    assert {r["code"] for r in few["results"]} >= {f"{tree.prefix}X01", f"{tree.prefix}X10"}
    # the session (read and saved) and the user, the user's roles, the units, the names above them:
    # the same for one unit as for twenty, never one per unit
    assert len(set(counts)) == 1 and counts[0] <= 8, counts


def test_the_exact_code_comes_first(tree):
    data = search(tree.admin, tree.ward1.code)
    assert codes(data)[0] == tree.ward1.code


def test_search_units_with_an_empty_query_lists_the_higher_levels_first(tree):
    from qms_portal.models import Unit

    units = list(search_units(Unit.objects.filter(code__startswith=tree.prefix), ""))
    assert units[0] == tree.city
    assert [u.depth for u in units] == sorted(u.depth for u in units)


# --- the filter -------------------------------------------------------------------------------------

def test_the_register_filter_uses_the_picker_on_the_readers_units(tree):
    from types import SimpleNamespace

    from documents.filters import DocumentFilter
    from documents.models import Document

    request = SimpleNamespace(user=tree.ward1_staff)
    filt = DocumentFilter({"unit": str(tree.ward1.pk)}, queryset=Document.objects.none(), request=request)
    assert filt.is_valid(), filt.errors
    assert filt.form.cleaned_data["unit"] == tree.ward1
    html = str(filt.form["unit"])
    assert "<option" not in html and tree.ward2.name not in html
    outside = DocumentFilter({"unit": str(tree.agency.pk)}, queryset=Document.objects.none(), request=request)
    assert not outside.is_valid()
    typed = DocumentFilter({"unit": "thuan hoa"}, queryset=Document.objects.none(), request=request)
    assert typed.is_valid() and typed.form.cleaned_data["unit"] == tree.ward1
    # typed text the filter cannot apply: the picker itself says why (a list page shows no errors)
    admin = SimpleNamespace(user=tree.admin)
    wide = DocumentFilter({"unit": "phuong"}, queryset=Document.objects.none(), request=admin)
    assert not wide.is_valid()
    html = str(wide.form["unit"])
    assert 'aria-describedby="id_unit_problem"' in html and 'id="id_unit_problem"' in html
    assert "Several units match" in html and 'value="phuong"' in html


def test_the_register_page_holds_no_unit_list(tree):
    client = client_for(tree.admin)
    for n in range(30):
        factories.make_unit(tree.ward1, f"{tree.prefix}R{n:02d}", kind="division", name=f"Đội {n}")
    html = client.get(reverse("documents:register")).content.decode()
    assert "data-unit-picker" in html
    assert "Đội 7" not in html
