"""The people picker (qms_portal/people_picker.py): the fields, the widget and the search endpoint.
What the list offers and what the form accepts are one scope; nobody outside it is offered, named
back or accepted; a source a form names is the only function the endpoint runs."""

import pytest
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qms_portal.models import RoleAssignment, User
from qms_portal.people_picker import (
    RESULTS,
    SALT,
    PeopleChoiceField,
    PeopleScope,
    PersonChoiceField,
    people_source,
)
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


@people_source
def staff_of(user, role="staff"):
    """People holding ``role`` (a test source with a parameter)."""
    holders = RoleAssignment.objects.current().filter(role__code=role).values("user_id")
    return User.objects.filter(is_active=True, pk__in=holders)


STAFF_OF = f"{__name__}.staff_of"


@pytest.fixture
def tree():
    t = factories.small_tree()
    t.ward1_staff.full_name = "Nguyễn Thị Hòa"
    t.ward1_staff.position = "Chuyên viên"
    t.ward1_staff.save()
    t.namesake = factories.make_user(f"{t.prefix}hoa2", t.ward2, full_name="Nguyễn Thị Hòa")
    return t


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def search(user, q="", scope=None):
    params = {"q": q} | ({"scope": scope} if scope else {})
    response = client_for(user).get(reverse("people_search"), params)
    assert response.status_code == 200, response.status_code
    return response.json()


def names(data):
    return sorted(row["code"] for row in data["results"])


def test_the_field_takes_an_id_a_user_name_a_label_or_a_unique_part_of_a_name(tree):
    field = PersonChoiceField().bind(tree.admin)
    assert field.clean(str(tree.outsider.pk)) == tree.outsider
    assert field.clean(tree.outsider.username.upper()) == tree.outsider
    assert field.clean(f"Nguyễn Thị Hòa ({tree.ward1_staff.username})") == tree.ward1_staff
    assert field.clean("outsider") == tree.outsider


def test_namesakes_are_an_error_naming_both_with_their_user_names(tree):
    field = PersonChoiceField().bind(tree.admin)
    with pytest.raises(Exception) as error:
        field.clean("nguyen thi hoa")  # tone marks optional, and two people match
    text = " ".join(error.value.messages)
    assert tree.ward1_staff.username in text and tree.namesake.username in text
    assert "Several people match" in text


def test_someone_outside_the_scope_is_refused_and_never_named(tree):
    field = PersonChoiceField().bind(tree.ward1_mr)  # a management representative of ward 1
    assert field.clean(tree.ward1_staff.username) == tree.ward1_staff
    for typed in (tree.outsider.username, str(tree.outsider.pk), "Outsider"):
        with pytest.raises(Exception) as error:
            field.clean(typed)
        assert "Outsider" not in " ".join(error.value.messages).replace(typed, "")


def test_the_widget_holds_the_chosen_person_only_never_the_list(tree):
    field = PersonChoiceField().bind(tree.admin)
    html = field.widget.render("chair", tree.ward1_staff.pk, {"id": "id_chair"})
    assert f"Nguyễn Thị Hòa ({tree.ward1_staff.username})" in html
    assert "<option" not in html and tree.outsider.full_name not in html
    assert reverse("people_search") + "?scope=" in html
    assert "Nobody you may choose matches this." in html  # the people picker's own texts, not the units'


def test_the_field_for_several_people_takes_ids_or_lines_and_names_every_line_it_cannot_read(tree):
    field = PeopleChoiceField().bind(tree.admin)
    chosen = field.clean([str(tree.outsider.pk), tree.ward1_staff.username])
    assert set(chosen) == {tree.outsider, tree.ward1_staff}
    with pytest.raises(Exception) as error:
        field.clean(["nobody-like-this", "zzz"])
    assert len(error.value.messages) == 2


def test_a_source_narrows_the_people_and_also_keeps_the_current_choice(tree):
    scope = PeopleScope(source=STAFF_OF, params=(("role", "staff"),), also=(tree.admin.pk,))
    field = PersonChoiceField().bind(tree.admin, scope)
    assert set(field.queryset) == {tree.ward1_staff, tree.outsider, tree.admin}
    data = search(tree.admin, "", field.scope.token(tree.admin))
    assert names(data) == sorted([tree.ward1_staff.username, tree.outsider.username, tree.admin.username])
    management = PeopleScope(source=STAFF_OF, params=(("role", "management_representative"),))
    assert names(search(tree.admin, "", management.token(tree.admin))) == [tree.ward1_mr.username]


def test_the_endpoint_lists_only_the_people_the_asker_may_view_with_their_unit(tree):
    data = search(tree.ward1_mr, "")
    assert tree.outsider.username not in names(data)
    row = next(r for r in data["results"] if r["code"] == tree.ward1_staff.username)
    assert row["path"] == f"{tree.ward1.name} · Chuyên viên"


def test_a_forged_or_borrowed_scope_or_a_function_not_marked_as_a_source_is_refused(tree):
    token = PeopleScope().token(tree.admin)
    assert client_for(tree.outsider).get(reverse("people_search"), {"scope": token}).status_code == 400
    assert client_for(tree.admin).get(reverse("people_search"), {"scope": token[:-2] + "xx"}).status_code == 400
    evil = signing.dumps({"u": tree.admin.pk, "s": "django.contrib.auth.get_user_model", "p": [], "i": []},
                         salt=SALT, compress=True)
    assert client_for(tree.admin).get(reverse("people_search"), {"scope": evil}).status_code == 400


def test_anonymous_visitors_are_sent_to_sign_in(tree):
    assert Client().get(reverse("people_search"), {"q": "hoa"}).status_code == 302


def test_the_endpoint_returns_a_bounded_list_in_a_bounded_number_of_queries(tree):
    for n in range(RESULTS + 5):
        factories.make_user(f"{tree.prefix}many{n}", tree.ward2, full_name=f"Trần Văn {n}")
    client = client_for(tree.admin)
    counts = []
    for q, expected in (("outsider", 1), ("tran", RESULTS), ("", RESULTS)):
        with CaptureQueriesContext(connection) as queries:
            data = client.get(reverse("people_search"), {"q": q}).json()
        counts.append(len(queries))
        assert len(data["results"]) == expected
    assert data["more"] is True
    # the session (read and saved) and the user, the user's roles, the people with their units:
    # the same for one person as for twenty, never one per person
    assert len(set(counts)) == 1 and counts[0] <= 8, counts
