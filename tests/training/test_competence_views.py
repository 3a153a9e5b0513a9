"""The competence part's pages: the requirements (list by unit subtree, new with bad input explained,
edit, deactivate), the qualifications (list leaving out other units' people, filters, search, a
fixed number of queries at two sizes; recording one with its validity from the competence, bad
dates explained and kept; its page with evidence and History tab; withdrawing with a reason), "My
training" (own qualifications, sessions and attendance, gaps) and the menu's links."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qms_portal.models import Role
from tests import factories
from tests.training.competence_factories import competence, day, qualification, requirement
from tests.viewtests import PermissionCases, logged_in
from training.models import CompetenceRequirement, Qualification
from training.services.qualifications import add_months

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    t = factories.small_tree()
    t.coordinator = factories.make_user(f"{t.prefix}coord", t.district, full_name="Trần Thị Lan")
    factories.assign(t.coordinator, "training_coordinator", t.district)
    t.head = factories.make_user(f"{t.prefix}head", t.ward1, full_name="Hoàng Văn Đức")
    factories.assign(t.head, "department_head", t.ward1)
    t.ia = competence(f"{t.prefix}ia".lower(), months=36, name="Internal auditor")
    t.aware = competence(f"{t.prefix}aw".lower(), months=None, name="ISO awareness")
    return t


def listed_people(page):
    return set(re.findall(r'<a href="/training/qualifications/(\d+)/">', page))


def test_the_qualification_list_leaves_out_other_units_people_and_filters(tree):
    mine = qualification(tree.ward1_staff, tree.ia, obtained=-10, until=60)
    neighbour = qualification(tree.ward1_mr, tree.aware, obtained=-10)
    other = qualification(tree.outsider, tree.ia, obtained=-10)
    old = qualification(tree.ward1_mr, tree.ia, obtained=-1200, until=-2)
    url = reverse("training:qualification_list")
    page = logged_in(tree.head).get(url).content.decode()
    assert listed_people(page) == {str(q.pk) for q in (mine, neighbour, old)}
    assert tree.outsider.full_name not in page and str(other.pk) not in listed_people(page)
    coordinator = logged_in(tree.coordinator)
    assert listed_people(coordinator.get(url, {"state": "expiring"}).content.decode()) == {str(mine.pk)}
    assert listed_people(coordinator.get(url, {"state": "expired"}).content.decode()) == {str(old.pk)}
    assert listed_people(coordinator.get(url, {"competence": tree.aware.pk}).content.decode()) == {str(neighbour.pk)}
    assert listed_people(coordinator.get(url, {"q": "ward1 staff"}).content.decode()) == {str(mine.pk)}
    assert listed_people(coordinator.get(url, {"unit": tree.ward2.pk}).content.decode()) == set()
    # a staff member without any role over others sees their own only
    page = logged_in(tree.ward1_staff).get(url).content.decode()
    assert listed_people(page) == {str(mine.pk)}


def test_the_qualification_list_reads_a_fixed_number_of_queries_at_two_sizes(tree):
    client = logged_in(tree.coordinator)
    url = reverse("training:qualification_list")

    def count(params):
        cache.clear()  # the SQL is under test, not the cached list
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, params).status_code == 200
        return len(queries)

    qualification(tree.ward1_staff, tree.ia)
    client.get(url)
    few = [count({}), count({"state": "valid", "q": "ward"}), count({"unit": tree.ward1.pk})]
    for n in range(30):
        person = factories.make_user(f"{tree.prefix}p{n}", tree.ward2 if n % 2 else tree.ward1)
        qualification(person, tree.ia if n % 3 else tree.aware, obtained=-n, until=n * 10)
    assert [count({}), count({"state": "valid", "q": "ward"}), count({"unit": tree.ward1.pk})] == few


def test_the_requirement_list_by_unit_subtree_and_its_query_count(tree):
    at_ward1 = requirement("staff", tree.aware, tree.ward1)
    at_ward2 = requirement("internal_auditor", tree.ia, tree.ward2)
    at_agency = requirement("staff", tree.ia, tree.agency)
    client = logged_in(tree.coordinator)
    url = reverse("training:requirement_list")

    def shown(params=None):
        page = client.get(url, params or {}).content.decode()
        return {int(pk) for pk in re.findall(r"/training/requirements/(\d+)/history/", page)}

    assert shown() == {at_ward1.pk, at_ward2.pk}
    assert shown({"unit": tree.ward2.pk}) == {at_ward2.pk} and at_agency.pk not in shown({"active": "all"})
    cache.clear()  # the SQL is under test, not the cached list
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for n in range(12):
        unit = factories.make_unit(tree.ward1, f"{tree.prefix}G{n}", kind="office")
        requirement("staff", tree.aware, unit)
    cache.clear()
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(small) == len(large)


def test_creating_a_requirement_and_its_bad_input(tree):
    client = logged_in(tree.coordinator)
    url = reverse("training:requirement_create")
    staff = Role.objects.get(code="staff")
    data = {"role": staff.pk, "competence": tree.aware.pk, "unit": tree.ward1.pk, "note": "Mọi công chức"}
    assert client.post(url, data).status_code == 302
    assert CompetenceRequirement.objects.filter(unit=tree.ward1, role=staff, competence=tree.aware).exists()
    again = client.post(url, data)
    assert again.status_code == 200 and "already requires this competence" in again.content.decode()
    outside = client.post(url, {**data, "unit": tree.division.pk})
    assert outside.status_code == 200 and CompetenceRequirement.objects.count() == 1


def test_editing_and_deactivating_a_requirement(tree):
    req = requirement("staff", tree.aware, tree.ward1)
    client = logged_in(tree.coordinator)
    response = client.post(reverse("training:requirement_edit", args=[req.pk]),
                           {"role": req.role_id, "competence": tree.ia.pk, "unit": tree.ward1.pk, "note": "Đổi"})
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.competence == tree.ia and req.note == "Đổi"
    assert client.post(reverse("training:requirement_deactivate", args=[req.pk])).status_code == 302
    req.refresh_from_db()
    assert not req.is_active
    history = client.get(reverse("training:requirement_history", args=[req.pk])).content.decode()
    assert "Đổi" in history or "Note" in history


def test_recording_a_qualification_with_validity_from_the_competence(tree):
    client = logged_in(tree.coordinator)
    url = reverse("training:qualification_create")
    form = client.get(url, {"user": tree.ward1_staff.pk}).content.decode()
    assert tree.ward1_staff.full_name in form and tree.outsider.full_name not in form
    data = {"user": tree.ward1_staff.pk, "competence": tree.ia.pk, "obtained_on": day(-3).isoformat(),
            "valid_until": "", "outside_body": "Trường Chính trị tỉnh", "reference": "CC-2026-15"}
    response = client.post(url, data)
    q = Qualification.objects.get(user=tree.ward1_staff)
    assert response.status_code == 302 and response["Location"] == q.get_absolute_url()
    assert q.valid_until == add_months(day(-3), 36)
    page = client.get(q.get_absolute_url()).content.decode()
    assert "Trường Chính trị tỉnh" in page and "CC-2026-15" in page and "History" in page
    assert 'name="files"' in page or "attachment" in page.lower()


@pytest.mark.parametrize("field,value,message", [
    ("valid_until", -10, "A qualification cannot expire before it was obtained."),
    ("obtained_on", None, "This field is required."),
])
def test_bad_qualification_input_is_explained_kept_and_nothing_saved(tree, field, value, message):
    client = logged_in(tree.coordinator)
    data = {"user": tree.ward1_staff.pk, "competence": tree.ia.pk, "obtained_on": day(-3).isoformat(),
            "valid_until": "", "outside_body": "Sở Nội vụ", "reference": ""}
    data[field] = day(value).isoformat() if value is not None else ""
    response = client.post(reverse("training:qualification_create"), data)
    page = response.content.decode()
    assert response.status_code == 200 and message in page and "Sở Nội vụ" in page
    assert not Qualification.objects.exists()
    # someone outside the coordinator's units is not offered, and refused when typed
    outsider = client.post(reverse("training:qualification_create"), {**data, "user": tree.outsider.pk,
                                                                      "obtained_on": day(-3).isoformat()})
    assert outsider.status_code == 200 and not Qualification.objects.exists()


def test_withdrawing_a_qualification_with_a_reason(tree):
    q = qualification(tree.ward1_staff, tree.ia)
    client = logged_in(tree.coordinator)
    url = reverse("training:qualification_withdraw", args=[q.pk])
    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 200 and "This field is required." in empty.content.decode()
    assert client.post(url, {"reason": "Chứng chỉ cấp nhầm"}).status_code == 302
    page = client.get(q.get_absolute_url()).content.decode()
    assert "Chứng chỉ cấp nhầm" in page and "Withdrawn" in page
    assert client.get(url).status_code == 200  # (the form; the service refuses a second time)
    assert "already withdrawn" in client.post(url, {"reason": "again"}).content.decode()
    history = client.get(reverse("training:qualification_history", args=[q.pk])).content.decode()
    assert "Chứng chỉ cấp nhầm" in history


def test_my_training_shows_qualifications_sessions_and_gaps(tree):
    requirement("staff", tree.aware, tree.city)
    requirement("staff", tree.ia, tree.ward1)
    qualification(tree.ward1_staff, tree.ia, obtained=-1200, until=-5)
    qualification(tree.ward1_mr, tree.aware)  # someone else's
    client = logged_in(tree.ward1_staff)
    page = client.get(reverse("training:my_training")).content.decode()
    assert "Internal auditor" in page and "Expired" in page
    assert page.count('data-testid="gap"') == 2
    qualification(tree.ward1_staff, tree.aware)
    page = client.get(reverse("training:my_training")).content.decode()
    assert page.count('data-testid="gap"') == 1 and "ISO awareness" in page
    # a person without any role: an empty record, no error
    nobody = factories.make_user(f"{tree.prefix}nobody", tree.agency)
    page = logged_in(nobody).get(reverse("training:my_training")).content.decode()
    assert "No qualification recorded yet." in page and "No competence is required of your roles." in page


def test_my_training_reads_a_fixed_number_of_queries(tree):
    requirement("staff", tree.aware, tree.city)
    client = logged_in(tree.ward1_staff)
    url = reverse("training:my_training")
    qualification(tree.ward1_staff, tree.ia)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for n in range(8):
        qualification(tree.ward1_staff, competence(f"{tree.prefix}c{n}".lower()))
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(small) == len(large)


def test_the_menu_links_everyone_to_my_training_and_readers_to_the_lists(tree):
    staff_page = logged_in(tree.ward1_staff).get(reverse("home")).content.decode()
    assert reverse("training:my_training") in staff_page
    assert reverse("training:requirement_list") not in staff_page
    coordinator_page = logged_in(tree.coordinator).get(reverse("home")).content.decode()
    assert reverse("training:requirement_list") in coordinator_page
    assert reverse("training:qualification_list") in coordinator_page


class TestQualificationEditAccess(PermissionCases):
    url_name = "training:qualification_edit"
    role = "training_coordinator"
    visible_only_role = "department_head"

    def make_object(self, tree, unit):
        person = factories.make_user(f"{tree.prefix}q-{unit.code}".lower(), unit)
        return qualification(person, competence("access-ia"))


class TestRequirementEditAccess(PermissionCases):
    url_name = "training:requirement_edit"
    role = "training_coordinator"
    visible_only_role = "management_representative"

    def make_object(self, tree, unit):
        return requirement("staff", competence("access-aw"), unit)


def test_the_session_panel_lists_the_qualifications_its_attendance_gave(tree):
    from datetime import timedelta

    from django.template.loader import render_to_string
    from django.utils import timezone

    from qms_portal.services import save_tracked
    from training.models import Course, Participant, Session
    from training.services.qualifications import qualification_create

    su = tree.superuser
    course = save_tracked(Course(code=f"{tree.prefix}IA", title="Internal auditor course"), acting_user=su)
    start = timezone.now() - timedelta(days=3)
    session = save_tracked(Session(course=course, unit=tree.ward1, starts_at=start, ends_at=start + timedelta(hours=8),
                                   status=Session.Status.CLOSED), acting_user=su)
    for person in (tree.ward1_staff, tree.ward1_mr):
        participant = save_tracked(Participant(session=session, user=person, unit=tree.ward1,
                                               attendance=Participant.Attendance.PRESENT), acting_user=su)
        qualification_create(acting_user=su, user=person, competence=tree.ia, obtained_on=day(-3),
                             participant=participant, check=False)
    page = render_to_string("training/parts/session_competence.html", {"session": session, "user": tree.head})
    assert "Internal auditor" in page and "2 people" in page
    own = render_to_string("training/parts/session_competence.html", {"session": session, "user": tree.ward1_staff})
    assert "1 person" in own  # their own only
    assert render_to_string("training/parts/session_competence.html",
                            {"session": session, "user": tree.outsider}).strip() == ""
