"""The core's lists (units, people, role assignments, access requests) keep their content in the
cache (``ScopedListView.cache_generations``): a cached visit reads none of the rows, and every
change to a row a list shows retires it (checked by recording what each cached piece shows,
``tests/fragment_check.py``, and by changing what the lists show)."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qms_portal import fragments, services
from qms_portal.models import AccessRequest, RoleAssignment, Unit, User
from qms_portal.views.generic import csrf_placeholder, with_csrf_token
from tests import factories
from tests.fragment_check import PieceRecorder

pytestmark = pytest.mark.django_db

LISTS = [
    ("unit_list", {}), ("unit_list", {"q": "Ward"}), ("user_list", {}), ("user_list", {"q": "staff"}),
    ("assignment_list", {}), ("assignment_list", {"state": "all"}), ("accessrequest_list", {}),
]


@pytest.fixture
def listed(tree):
    """A pending request (so that the request list shows a requester, a role and a unit) and an
    ended assignment (shown with who ended it when every assignment is listed)."""
    services.access_request_create(acting_user=tree.ward1_staff, role=tree.roles["document_controller"],
                                   unit=tree.ward1, include_subunits=False, justification="ISO secretary")
    services.role_assignment_end(acting_user=tree.admin, assignment=RoleAssignment.objects.get(user=tree.outsider))
    return tree


def without_tokens(page):
    """The page without its CSRF tokens (each request masks its token anew)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def visit(client, name, params=None):
    response = client.get(reverse(name), params or {})
    assert response.status_code == 200, name
    return response.content.decode()


def test_every_row_a_cached_list_shows_retires_it_when_it_changes(listed, client_for, monkeypatch):
    recorder = PieceRecorder(monkeypatch)
    client = client_for(listed.admin)
    for name, params in LISTS:
        visit(client, name, params)
    visit(client_for(listed.ward1_staff), "accessrequest_list")  # their own request
    assert recorder.problems() == []
    assert recorder.models_seen() >= {"qms_portal.Unit", "qms_portal.User", "qms_portal.Role",
                                      "qms_portal.RoleAssignment", "qms_portal.AccessRequest"}


def test_the_check_fails_for_a_list_that_misses_a_generation(listed, client_for, monkeypatch):
    from qms_portal.views.people import UserListView

    monkeypatch.setattr(UserListView, "cache_generations", (fragments.UNITS,))
    recorder = PieceRecorder(monkeypatch)
    visit(client_for(listed.admin), "user_list")
    assert any("qms_portal.User" in p for p in recorder.problems()), recorder.problems()


@pytest.mark.parametrize(("name", "params"), LISTS)
def test_a_cached_visit_reads_no_row_of_the_list(name, params, listed, client_for):
    client = client_for(listed.admin)
    first = visit(client, name, params)
    with CaptureQueriesContext(connection) as cached:
        again = visit(client, name, params)
    assert without_tokens(again) == without_tokens(first)
    tables = {"unit_list": "qms_portal_unit", "user_list": "qms_portal_user",
              "assignment_list": "qms_portal_roleassignment", "accessrequest_list": "qms_portal_accessrequest"}
    read = [q["sql"] for q in cached.captured_queries if f'FROM "{tables[name]}"' in q["sql"]]
    # (The signed-in reader's own row is read by the session middleware, by primary key.)
    assert [sql for sql in read if "LIMIT 21" not in sql] == []


def test_a_renamed_unit_and_a_person_who_moved_show_at_once(listed, client_for):
    client = client_for(listed.admin)
    assert listed.ward1.name in visit(client, "unit_list")
    assert listed.ward1_staff.position == "" and "Tổ trưởng" not in visit(client, "user_list")
    services.unit_update(acting_user=listed.admin, unit=Unit.objects.get(pk=listed.ward1.pk), name="Phường Mới")
    services.user_update(acting_user=listed.admin, user=User.objects.get(pk=listed.ward1_staff.pk),
                         position="Tổ trưởng", primary_unit=listed.ward2)
    assert "Phường Mới" in visit(client, "unit_list")
    people = visit(client, "user_list")
    assert "Tổ trưởng" in people and listed.ward2.code in people


def test_a_deactivated_person_and_an_ended_assignment_show_at_once(listed, client_for):
    client = client_for(listed.admin)
    assert "deactivated" not in visit(client, "user_list")
    assert listed.ward1_mr.full_name in visit(client, "assignment_list")
    services.user_set_active(acting_user=listed.admin, user=User.objects.get(pk=listed.ward1_mr.pk), active=False)
    services.role_assignment_end(acting_user=listed.admin,
                                 assignment=RoleAssignment.objects.get(user=listed.ward1_mr))
    assert "deactivated" in visit(client, "user_list")
    assert listed.ward1_mr.full_name not in visit(client, "assignment_list")


def test_a_decided_request_shows_at_once(listed, client_for):
    client = client_for(listed.admin)
    assert "<td>Pending</td>" in visit(client, "accessrequest_list")
    services.access_request_transition(acting_user=listed.admin, access_request=AccessRequest.objects.get(),
                                       name="reject", reason="Not needed")
    page = visit(client, "accessrequest_list")
    assert "<td>Rejected</td>" in page and "<td>Pending</td>" not in page


def test_a_new_role_widens_the_list_at_once(listed, client_for):
    """The reader's scope is in the key: a role on another unit lists its people."""
    client = client_for(listed.district_steering)
    assert listed.outsider.full_name not in visit(client, "user_list")
    factories.assign(listed.district_steering, "steering_committee", listed.agency, include_subunits=True)
    assert listed.outsider.full_name in visit(client, "user_list")


def test_each_reader_sees_their_own_list(listed, client_for):
    """Two readers with different scopes: neither is served the other's cached list."""
    admin, steering = client_for(listed.admin), client_for(listed.district_steering)
    assert listed.outsider.full_name in visit(admin, "user_list")
    assert listed.outsider.full_name not in visit(steering, "user_list")
    assert listed.outsider.full_name in visit(admin, "user_list")


def test_the_import_link_follows_the_permission_not_the_cache(listed, client_for):
    import_url = reverse("user_import")
    assert import_url in visit(client_for(listed.admin), "user_list")
    assert import_url not in visit(client_for(listed.district_steering), "user_list")


def test_a_cached_form_gets_the_readers_own_csrf_token(listed):
    """A form kept in the cache carries a placeholder, replaced by each request's token."""
    placeholder = csrf_placeholder()
    stored = f'<input type="hidden" name="csrfmiddlewaretoken" value="{placeholder}">'
    client = Client(enforce_csrf_checks=True)
    client.force_login(listed.admin)
    request = client.get(reverse("unit_list")).wsgi_request
    served = with_csrf_token(request, stored)
    assert placeholder not in served and 'value="' in served
    token = served.split('value="')[1].split('"')[0]
    assert len(token) == 64  # a masked token of this reader's secret
    from django.middleware.csrf import _does_token_match

    assert _does_token_match(token, request.META["CSRF_COOKIE"])  # the secret this request holds
    assert not _does_token_match(token, "x" * 32)


# --- The inbox: the page of messages is read, the rendered list comes from the cache ---------------


@pytest.fixture
def messages(listed):
    from qms_portal.notifications import notify

    notify([listed.admin], "role_assigned", params={"role": listed.roles["staff"], "unit": listed.ward2})
    return listed


def test_every_row_a_cached_inbox_shows_retires_it_when_it_changes(messages, client_for, monkeypatch):
    recorder = PieceRecorder(monkeypatch)
    client = client_for(messages.admin)
    visit(client, "inbox")
    visit(client, "inbox", {"unread": "1"})
    assert recorder.problems() == []
    # the request it was told about (with who asked, for which role and unit), the unit of a role
    assert recorder.models_seen() >= {"qms_portal.AccessRequest", "qms_portal.Unit", "qms_portal.User",
                                      "qms_portal.Role"}


def test_a_renamed_record_a_message_names_shows_at_once_in_the_inbox(messages, client_for):
    client = client_for(messages.admin)
    assert messages.ward2.code in visit(client, "inbox")
    services.unit_update(acting_user=messages.admin, unit=Unit.objects.get(pk=messages.ward2.pk),
                         code=f"{messages.prefix}W2-NEW")
    assert f"{messages.prefix}W2-NEW" in visit(client, "inbox")


def test_a_message_read_or_arrived_shows_at_once_in_the_inbox(messages, client_for):
    from qms_portal.notifications import notify

    client = client_for(messages.admin)
    assert visit(client, "inbox").count(">new</span>") == 2
    services.notification_mark_read(acting_user=messages.admin, notification=None)
    assert ">new</span>" not in visit(client, "inbox")
    notify([messages.admin], "role_assigned", params={"role": messages.roles["staff"], "unit": messages.district})
    page = visit(client, "inbox")
    assert page.count(">new</span>") == 1 and messages.district.code in page


def test_the_inbox_forms_carry_the_readers_token(messages):
    """Marking a message read from a page served from the cache goes through the CSRF check."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(messages.admin)
    client.get(reverse("inbox"))  # kept in the cache
    page = client.get(reverse("inbox")).content.decode()
    token = re.search(r'action="/inbox/read/" ?>?.*?name="csrfmiddlewaretoken" value="([^"]+)"', page, re.S)
    token = token or re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert client.post(reverse("inbox_read_all"), {"csrfmiddlewaretoken": token.group(1)}).status_code == 302
    assert client.post(reverse("inbox_read_all"), {"csrfmiddlewaretoken": "x" * 64}).status_code == 403


def test_a_cached_inbox_visit_loads_none_of_the_records_its_messages_name(messages, client_for):
    client = client_for(messages.admin)
    visit(client, "inbox")
    with CaptureQueriesContext(connection) as cached:
        visit(client, "inbox")
    tables = ("qms_portal_accessrequest", "qms_portal_role", "qms_portal_unit")
    assert [q["sql"] for q in cached.captured_queries if any(f'FROM "{t}"' in q["sql"] for t in tables)] == []


def test_a_key_made_with_a_method_is_refused():
    with pytest.raises(TypeError):
        fragments.entry_key("inbox", [].copy)


def test_a_record_no_generation_follows_is_never_cached():
    """A model a person cannot open is not followed (``notifications.shown_models``): a page that
    shows one is rendered each time, never kept stale."""
    assert fragments.rows_generations({"qms_portal.Unit", "qms_portal.AccessRequest"}) == [
        "rows:qms_portal.AccessRequest", "units"]
    assert fragments.rows_generations({"qms_portal.Unit", "qms_portal.OutboxMessage"}) is None
    assert fragments.rows_generations({"qms_portal.TransitionRecord"}) == []  # never changes
