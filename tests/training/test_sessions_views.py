"""The sessions part's pages: the session list leaves out other units' sessions and reads in the
same number of queries at two sizes; the session page with every part's panel; planning a session,
inviting (a session in the past refused with a clear message, over capacity warned), marking
attendance on the phone page (one row with htmx, the whole list without JavaScript, an absence
without its reason refused, a walk-in), the trainer's reach, and the catalogue's forms."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.training import sessions_factories as f
from training.models import Competence, Course, Participant, Session

pytestmark = pytest.mark.django_db
A = Participant.Attendance


@pytest.fixture
def tree():
    return factories.small_tree()


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def coordinator(tree):
    user = factories.make_user(f"{tree.prefix}coord".lower(), tree.district, full_name="Điều phối")
    factories.assign(user, "training_coordinator", tree.district, include_subunits=True)
    return user


def test_the_list_leaves_out_other_units_sessions(tree, coordinator):
    mine = f.session(tree.superuser, tree.ward1)
    other = f.session(tree.superuser, tree.division)
    page = client_for(coordinator).get(reverse("training:session_list")).content.decode()
    assert mine.get_absolute_url() in page and other.get_absolute_url() not in page


def _list_queries(client, url):
    cache.clear()  # the SQL is under test, not the cached list
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_reads_in_the_same_number_of_queries_at_two_sizes(tree, coordinator):
    su = tree.superuser
    people = f.people(tree.ward1, 3)
    for _i in range(2):
        f.held_session(su, tree.ward1, people)
    client, url = client_for(coordinator), reverse("training:session_list")
    _list_queries(client, url)  # (what a first request of a process reads once)
    small = _list_queries(client, url)
    for _i in range(10):
        f.held_session(su, tree.ward2, people, trainer=None)
    assert _list_queries(client, url) == small
    assert _list_queries(client, url + "?status=invited&unit=" + str(tree.ward1.pk)) <= small + 2


def test_each_row_counts_its_present_out_of_its_invited(tree, coordinator):
    su = tree.superuser
    people = f.people(tree.ward1, 3)
    held = f.held_session(su, tree.ward1, people)
    Participant.objects.filter(session=held, user=people[0]).update(attendance=A.PRESENT)
    empty = f.session(su, tree.ward1)
    page = client_for(coordinator).get(reverse("training:session_list")).content.decode()
    rows = {session: page[page.index(session.get_absolute_url()):].split("</tr>")[0] for session in (held, empty)}
    assert '<td class="text-end">1 / 3</td>' in rows[held]
    assert '<td class="text-end">0 / 0</td>' in rows[empty]


def test_the_list_filters_by_unit_status_course_and_dates(tree, coordinator):
    su = tree.superuser
    a = f.session(su, tree.ward1, starts_in=timedelta(days=3))
    other_course = f.course(su, code="DC", title="Kiểm soát tài liệu")
    b = f.session(su, tree.ward2, the_course=other_course, starts_in=timedelta(days=30))
    client = client_for(coordinator)
    url = reverse("training:session_list")
    page = client.get(url, {"unit": tree.ward1.pk}).content.decode()
    assert a.number in page and b.number not in page
    page = client.get(url, {"course": other_course.pk}).content.decode()
    assert b.number in page and a.number not in page
    later = (timezone.localdate() + timedelta(days=10)).isoformat()
    page = client.get(url, {"start": later}).content.decode()
    assert b.number in page and a.number not in page
    page = client.get(url, {"q": "tài liệu"}).content.decode()
    assert b.number in page and a.number not in page


def test_the_session_page_shows_its_people_and_every_parts_panel(tree, coordinator):
    s = f.held_session(tree.superuser, tree.ward1, f.people(tree.ward1, 2))
    response = client_for(coordinator).get(s.get_absolute_url())
    assert response.status_code == 200
    names = {t.name for t in response.templates}
    for part in ("sessions", "records", "competence", "matrix", "plan"):
        assert f"training/parts/session_{part}.html" in names
    page = response.content.decode()
    assert "Người p0" in page and reverse("training:session_attendance", args=[s.pk]) in page


def test_planning_a_session_through_the_form(tree, coordinator):
    course = f.course(tree.superuser)
    starts = timezone.localtime() + timedelta(days=5)
    data = {"course": course.pk, "unit": tree.ward1.pk, "trainer": "", "external_trainer": "Lê Văn Giảng",
            "external_organisation": "QUACERT", "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (starts + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"), "mode": "in_person",
            "place": "Hội trường", "capacity": "30", "note": ""}
    response = client_for(coordinator).post(reverse("training:session_create"), data)
    assert response.status_code == 302
    s = Session.objects.get()
    assert s.number.startswith(f"{tree.ward1.code}-TRN-") and s.capacity == 30


def test_a_session_without_a_trainer_is_refused_with_a_message(tree, coordinator):
    course = f.course(tree.superuser)
    starts = timezone.localtime() + timedelta(days=5)
    data = {"course": course.pk, "unit": tree.ward1.pk, "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (starts - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"), "mode": "in_person"}
    response = client_for(coordinator).post(reverse("training:session_create"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Name the trainer" in page
    assert not Session.objects.exists()


def test_inviting_to_a_session_in_the_past_is_refused_with_a_clear_message(tree, coordinator):
    s = f.session(tree.superuser, tree.ward1, starts_in=timedelta(days=-2))
    client = client_for(coordinator)
    page = client.get(reverse("training:session_invite", args=[s.pk])).content.decode()
    assert "already started or is in the past" in page
    response = client.post(reverse("training:session_invite", args=[s.pk]), {"people": [tree.ward1_staff.pk]})
    assert response.status_code == 200 and "already started or is in the past" in response.content.decode()
    assert not Participant.objects.exists()


def test_inviting_a_unit_warns_over_capacity(tree, coordinator):
    f.people(tree.ward1, 3)
    s = f.session(tree.superuser, tree.ward1, capacity=2)
    response = client_for(coordinator).post(reverse("training:session_invite", args=[s.pk]),
                                            {"units": [str(tree.ward1.pk)], "include_subunits": ""}, follow=True)
    page = response.content.decode()
    assert "5 people invited" in page and "more than the capacity of 2" in page
    assert Participant.objects.filter(session=s, via=Participant.Via.UNIT).count() == 5


def test_marking_one_row_with_htmx_returns_the_row(tree, coordinator):
    s = f.held_session(tree.superuser, tree.ward1, f.people(tree.ward1, 2))
    p = Participant.objects.filter(session=s).first()
    client = client_for(coordinator)
    url = reverse("training:participant_mark", args=[s.pk, p.pk])
    response = client.post(url, {f"att-{p.pk}": "absent", f"reason-{p.pk}": ""}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200 and "Say why" in page and f'id="p{p.pk}"' in page
    p.refresh_from_db()
    assert p.attendance == A.UNKNOWN
    response = client.post(url, {f"att-{p.pk}": "absent", f"reason-{p.pk}": "Đi công tác"}, HTTP_HX_REQUEST="true")
    assert "Saved." in response.content.decode()
    p.refresh_from_db()
    assert p.attendance == A.ABSENT and p.absence_reason == "Đi công tác"


def test_the_whole_list_is_saved_without_javascript(tree, coordinator):
    s = f.held_session(tree.superuser, tree.ward1, f.people(tree.ward1, 3))
    a, b, c = Participant.objects.filter(session=s).order_by("pk")
    client = client_for(coordinator)
    url = reverse("training:session_attendance", args=[s.pk])
    bad = {f"att-{a.pk}": "present", f"att-{b.pk}": "absent", f"reason-{b.pk}": "", f"att-{c.pk}": "excused"}
    response = client.post(url, bad)
    assert response.status_code == 200 and "Say why" in response.content.decode()
    assert not Participant.objects.filter(session=s).exclude(attendance=A.UNKNOWN).exists()
    good = {**bad, f"reason-{b.pk}": "On official business"}
    assert client.post(url, good).status_code == 302
    assert dict(Participant.objects.filter(session=s).values_list("pk", "attendance")) == {
        a.pk: A.PRESENT, b.pk: A.ABSENT, c.pk: A.EXCUSED}


def test_a_walk_in_is_added_from_the_attendance_page(tree, coordinator):
    s = f.held_session(tree.superuser, tree.ward1, [tree.ward1_staff])
    walker = factories.make_user(f"{tree.prefix}walker".lower(), tree.ward1, full_name="Khách")
    response = client_for(coordinator).post(reverse("training:session_walk_in", args=[s.pk]), {"user": walker.pk},
                                            follow=True)
    assert "walk-in (not invited)" in response.content.decode()
    p = Participant.objects.get(session=s, user=walker)
    assert p.via == Participant.Via.WALK_IN and p.attendance == A.PRESENT


def test_the_trainer_reaches_the_sessions_naming_them_and_no_other(tree):
    trainer = tree.ward1_staff
    s = f.held_session(tree.superuser, tree.ward1, f.people(tree.ward1, 1), trainer=trainer, external_trainer="")
    other = f.held_session(tree.superuser, tree.ward1, f.people(tree.ward1, 1, prefix="o"))
    client = client_for(trainer)
    assert client.get(reverse("training:session_attendance", args=[s.pk])).status_code == 200
    assert client.get(reverse("training:session_attendance", args=[other.pk])).status_code == 404
    assert client.get(other.get_absolute_url()).status_code == 404
    page = client.get(reverse("training:session_list")).content.decode()
    assert s.number in page and other.number not in page


def test_the_catalogue_forms_say_what_is_wrong(tree, coordinator):
    client = client_for(coordinator)
    f.competence(tree.superuser, code="iso-awareness")
    response = client.post(reverse("training:competence_create"), {"code": "iso-awareness", "name_en": "ISO",
                                                                    "is_active": "on"})
    assert response.status_code == 200 and "Another competence has the code" in response.content.decode()
    response = client.post(reverse("training:competence_create"), {"code": "doc-control",
                                                                    "name_en": "Document control",
                                                                    "name_vi": "Kiểm soát tài liệu",
                                                                    "name_zh_hans": "文件控制",
                                                                    "name_zh_hant": "文件管制",
                                                                    "validity_months": "24", "is_active": "on"})
    assert response.status_code == 302
    comp = Competence.objects.get(code="doc-control")
    response = client.post(reverse("training:course_create"), {"code": "DC-1", "title": "Kiểm soát tài liệu",
                                                                "topic": "document_control", "competences": [comp.pk],
                                                                "pass_mark": "150", "is_active": "on"})
    assert response.status_code == 200 and not Course.objects.filter(code="DC-1").exists()
    response = client.post(reverse("training:course_create"), {"code": "DC-1", "title": "Kiểm soát tài liệu",
                                                                "topic": "document_control", "competences": [comp.pk],
                                                                "pass_mark": "70", "is_active": "on"})
    assert response.status_code == 302
    course = Course.objects.get(code="DC-1")
    assert list(course.competences.all()) == [comp]
    page = client.get(reverse("training:course_list"), {"q": "tai lieu"}).content.decode()
    assert course.get_absolute_url() in page
    assert client.get(reverse("training:course_history", args=[course.pk])).status_code == 200


def test_closing_through_the_transition_page_grants_the_qualifications(tree, coordinator):
    people = f.people(tree.ward1, 2)
    s = f.held_session(tree.superuser, tree.ward1, people)
    client = client_for(coordinator)
    client.post(reverse("training:session_transition", args=[s.pk, "hold"]), {})
    response = client.post(reverse("training:session_transition", args=[s.pk, "close"]), {})
    assert response.status_code == 200 and "not recorded" in response.content.decode()
    for p in Participant.objects.filter(session=s):
        client.post(reverse("training:participant_mark", args=[s.pk, p.pk]), {f"att-{p.pk}": "present"})
    assert client.post(reverse("training:session_transition", args=[s.pk, "close"]), {}).status_code == 302
    s.refresh_from_db()
    assert s.status == Session.Status.CLOSED
    assert sorted(s.participants.values_list("qualifications__user_id", flat=True)) == sorted(u.pk for u in people)
