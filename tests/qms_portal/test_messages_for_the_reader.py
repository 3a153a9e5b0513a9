"""Messages are stored as a kind and parameters and rendered in each reader's language: the inbox,
"My work" and the e-mail — whoever caused them, whatever language they used."""

from datetime import date

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from qms_portal import fragments, services
from qms_portal.models import AccessRequest, Notification, Role, User
from qms_portal.notifications import notify, notify_grouped, render, render_many
from tests import factories

pytestmark = pytest.mark.django_db


def in_language(language, text, **params):
    with translation.override(language):
        return translation.gettext(text) % params if params else translation.gettext(text)


def reader(tree, username, language):
    person = factories.make_user(f"{tree.prefix}{username}", tree.ward1)
    return services.user_set_preferences(acting_user=person, language=language,
                                         notification_mode=User.NotificationMode.IMMEDIATE, phone="")


def approve(tree, requester, role_code):
    request = services.access_request_create(acting_user=requester, role=tree.roles[role_code], unit=tree.ward1,
                                             include_subunits=False, justification="ISO secretary")
    with translation.override("en"):  # the administrator works in English
        services.access_request_transition(acting_user=tree.admin, access_request=request, name="approve",
                                           password=tree.password)
    return request


@pytest.mark.parametrize(("language", "role_code", "role_name"), [
    ("vi", "document_controller", "Document controller"),
    ("zh-hans", "internal_auditor", "Internal auditor"),
])
def test_a_message_caused_by_an_english_actor_reads_in_the_readers_language(
        tree, language, role_code, role_name, django_capture_on_commit_callbacks):
    requester = reader(tree, f"reader-{language}", language)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        approve(tree, requester, role_code)
    [message] = Notification.objects.filter(recipient=requester, kind="accessrequest_approved")

    role = in_language(language, role_name)
    assert role != role_name  # the catalogue has it: the test would see English otherwise
    expected = in_language(language, "Your access request was approved: %(object)s", object=in_language(
        language, "%(role)s on %(unit)s for %(user)s", role=role, unit=tree.ward1.code, user=requester.full_name))
    with translation.override(language):
        assert render(message).title == expected
    with translation.override("en"):  # the same row, read by someone reading English
        assert role_name in render(message).title

    # the e-mail: in the recipient's language, whatever language was active when it was sent
    [email] = [m for m in mail.outbox if m.to == [requester.email]]
    assert email.subject == expected
    assert role in email.body and role_name not in email.body


def test_the_inbox_shows_each_reader_the_same_event_in_their_language(tree, client_for):
    vi, zh = reader(tree, "vi", "vi"), reader(tree, "zh", "zh-hans")
    with translation.override("en"):
        notify([vi, zh], "role_assigned", params={"role": Role.objects.get(code="internal_auditor"),
                                                  "unit": tree.ward1})
    for person, language in ((vi, "vi"), (zh, "zh-hans")):
        client = client_for(person)
        page = client.get(reverse("inbox"), HTTP_ACCEPT_LANGUAGE=language)
        text = page.content.decode()
        assert in_language(language, "Internal auditor") in text
        assert "Internal auditor" not in text


def test_dates_and_numbers_are_written_the_readers_way(tree):
    staff = reader(tree, "dates", "vi")
    day = date(2025, 3, 1)
    notify([staff], "transition_waiting", params={"days": 12500, "object": day})
    message = Notification.objects.get(recipient=staff)
    assert message.params["object"] == {"$date": "2025-03-01"} and message.params["days"] == 12500
    for language in ("en", "vi", "zh-hans"):
        with translation.override(language):
            title = render(message).title
            assert date_format(day, "DATE_FORMAT") in title
    with translation.override("en"):
        assert "12,500" in render(message).title


def test_a_list_of_objects_and_a_translatable_text_are_rendered_for_the_reader(tree):
    from django.utils.translation import gettext_lazy

    staff = reader(tree, "lists", "vi")
    roles = [Role.objects.get(code="internal_auditor"), Role.objects.get(code="document_controller")]
    notify([staff], "role_assigned", params={"role": roles, "unit": gettext_lazy("Pending")})
    message = Notification.objects.get(recipient=staff)
    assert message.params["unit"] == {"$t": "Pending"}
    with translation.override("vi"):
        title = render(message).title
    assert in_language("vi", "Internal auditor") in title and in_language("vi", "Document controller") in title
    assert in_language("vi", "Pending") in title


def test_a_message_about_a_row_that_is_gone_shows_the_text_it_had(tree):
    staff = reader(tree, "gone", "vi")
    role = services.role_save(acting_user=tree.admin, code="iso-secretary", name="ISO secretary")
    notify([staff], "role_assigned", params={"role": role, "unit": tree.ward1})
    role.delete()
    with translation.override("vi"):
        assert "ISO secretary" in render(Notification.objects.get(recipient=staff)).title


def test_messages_written_before_typed_parameters_still_render(tree):
    staff = reader(tree, "old", "vi")
    old = Notification.objects.create(recipient=staff, kind="role_assigned",
                                      params={"role": "Staff member", "unit": "W1 · Phường 1"})
    with translation.override("vi"):
        assert render(old).title == in_language("vi", "You were given the role %(role)s on %(unit)s",
                                                role=in_language("vi", "Staff member"), unit="W1 · Phường 1")


def test_a_grouped_message_lists_its_objects_and_counts_them(tree):
    first, second = reader(tree, "g1", "en"), reader(tree, "g2", "vi")
    units = [factories.make_unit(tree.ward1, f"{tree.prefix}G{n}") for n in range(3)]
    created = notify_grouped("transitions_waiting", {first: units, second: units[:1]}, params={"days": 3},
                             url=lambda user, objects: f"/?n={len(objects)}")
    assert len(created) == 2
    one, three = (Notification.objects.get(recipient=second), Notification.objects.get(recipient=first))
    assert (one.url, three.url) == ("/?n=1", "/?n=3")
    with translation.override("en"):
        assert render(three).title == "3 records wait for your decision"
        assert [label for label, _url, _note in render(three).items] == [str(u) for u in units]
        assert render(one).title == "1 record waits for your decision"


# --- A constant number of queries --------------------------------------------------------------


def messages_for(tree, person, count):
    """``count`` messages about different access requests, roles and units."""
    roles = list(Role.objects.filter(is_system=True))
    requesters = [factories.make_user(f"{tree.prefix}rq{person.pk}-{n}", tree.ward1) for n in range(3)]
    for n in range(count):
        unit = factories.make_unit(tree.ward1, f"{tree.prefix}Q{person.pk}-{n}")
        if n % 2:
            request = AccessRequest.objects.create(requester=requesters[n % 3], role=roles[n % len(roles)],
                                                   unit=unit, justification="x")
            notify([person], "accessrequest_submitted", params={"object": request})
        else:
            notify([person], "role_assigned", params={"role": roles[n % len(roles)], "unit": unit})


def queries(client, url):
    """A first visit (the inbox keeps its rendered messages in the cache)."""
    fragments.forget_all()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(captured)


@pytest.mark.parametrize("page", ["inbox", "home"])
def test_a_page_of_messages_makes_as_many_queries_at_5_and_at_50(tree, client_for, page):
    small_reader, big_reader = reader(tree, "small", "vi"), reader(tree, "big", "vi")
    messages_for(tree, small_reader, 5)
    messages_for(tree, big_reader, 50)
    small_client, big_client = client_for(small_reader), client_for(big_reader)
    small_client.get(reverse(page))
    big_client.get(reverse(page))
    small, small_count = queries(small_client, reverse(page))
    big, big_count = queries(big_client, reverse(page))
    shown = "items" if page == "inbox" else "reminders"
    assert len(small.context[shown]) == 5
    assert len(big.context[shown]) == (25 if page == "inbox" else 10)
    assert big_count == small_count
    assert in_language("vi", "New access request to decide: %(object)s", object="")[:10] in big.content.decode()


def test_rendering_loads_the_rows_grouped_by_model(tree):
    person = reader(tree, "many", "en")
    messages_for(tree, person, 20)
    rows = list(Notification.objects.filter(recipient=person))
    with CaptureQueriesContext(connection) as captured:
        rendered = render_many(rows)
        titles = [m.title for m in rendered]
    # access requests (with their role, unit and requester), roles, units: one query each
    assert len(captured) == 3
    assert all("%(" not in t for t in titles)


def test_a_bulk_message_renews_everyones_cached_unread_count(tree, monkeypatch):
    from qms_portal import context_processors

    people = [reader(tree, "bulk1", "en"), reader(tree, "bulk2", "vi")]
    before = [context_processors.unread_count(p) for p in people]  # now cached
    monkeypatch.setattr(context_processors, "BULK_UNREAD", 1)  # two people count as "many" here
    notify(people, "role_assigned", params={"role": Role.objects.get(code="staff"), "unit": tree.ward1})
    assert [context_processors.unread_count(p) for p in people] == [n + 1 for n in before]
