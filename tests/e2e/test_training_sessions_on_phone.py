"""Attendance on a phone, end to end: the trainer (a staff member named the session's trainer)
opens the session from the menu's list, taps "Mark attendance", marks one person present (the row
saved at once), another absent — refused until the reason is typed ("on official business") — and
a third excused, adds a walk-in who was not invited, and the session page then shows the counts.
The same list saved without JavaScript, as one form (that page is checked by the suite's page
checker on a copy, as axe needs JavaScript). Every page passes axe's WCAG 2.1 AA checks and fits
the screen."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.e2e.conftest import assert_accessible, assert_fits_the_screen, open_menu, pick_person, screenshot, sign_in
from tests.training import sessions_factories as f
from training.models import Participant

pytestmark = pytest.mark.e2e
A = Participant.Attendance


def _session(tree):
    trainer = tree.ward1_staff  # staff may be named trainers
    people = f.people(tree.ward1, 3, prefix="hv")
    s = f.held_session(tree.superuser, tree.ward1, people, trainer=trainer, external_trainer="")
    return s, trainer, people


def test_the_trainer_marks_attendance_on_a_phone(open_page):
    tree = factories.small_tree()
    s, trainer, people = _session(tree)
    rows = {p.user_id: p.pk for p in Participant.objects.filter(session=s)}
    walker = factories.make_user(f"{tree.prefix}walker".lower(), tree.ward1, full_name="Khách Vãng Lai")

    page = open_page("phone")
    sign_in(page, trainer.username, tree.password)
    open_menu(page)
    page.locator("nav .dropdown-toggle", has_text="Training").tap()
    page.locator("nav .dropdown-menu a", has_text="Training sessions").tap()
    page.wait_for_url(re.compile(r"/training/sessions/$"))
    expect(page.locator("main h1")).to_be_visible()
    assert_accessible(page)
    assert_fits_the_screen(page)
    page.locator("main a", has_text=s.number).tap()
    page.wait_for_url(re.compile(rf"/training/sessions/{s.pk}/$"))
    assert_accessible(page)
    assert_fits_the_screen(page)
    page.locator("main a", has_text="Mark attendance").tap()
    expect(page.locator(".att-row")).to_have_count(3)
    assert_accessible(page)
    assert_fits_the_screen(page)

    first, second, third = (rows[u.pk] for u in people)
    page.locator(f"label[for=att-{first}-present]").tap()
    expect(page.locator(f"#p{first}")).to_contain_text("Saved.")
    page.locator(f"label[for=att-{second}-absent]").tap()
    expect(page.locator(f"#p{second}")).to_contain_text("Say why")
    assert_accessible(page)
    page.locator(f"#reason-{second}").fill("On official business")
    page.locator(f"#reason-{second}").press("Tab")
    expect(page.locator(f"#p{second}")).to_contain_text("Saved.")
    page.locator(f"label[for=att-{third}-excused]").tap()
    expect(page.locator(f"#p{third}")).to_contain_text("Saved.")
    screenshot(page, "training-attendance-phone")

    page.locator("main a", has_text="Add a walk-in").tap()
    page.wait_for_url(re.compile(rf"/training/sessions/{s.pk}/walk-in/$"))
    assert_accessible(page)
    assert_fits_the_screen(page)
    pick_person(page, "id_user", walker.username, walker)
    page.locator("main form button[type=submit]").tap()
    page.wait_for_url(re.compile(rf"/training/sessions/{s.pk}/attendance/$"))
    expect(page.locator("main")).to_contain_text("was added as a walk-in")
    expect(page.locator(".att-row")).to_have_count(4)
    assert_accessible(page)
    assert_fits_the_screen(page)

    marked = dict(Participant.objects.filter(session=s).values_list("user_id", "attendance"))
    assert marked == {people[0].pk: A.PRESENT, people[1].pk: A.ABSENT, people[2].pk: A.EXCUSED,
                      walker.pk: A.PRESENT}
    assert Participant.objects.get(session=s, user=walker).via == Participant.Via.WALK_IN
    assert Participant.objects.get(session=s, user=people[1]).absence_reason == "On official business"

    page.locator("main a", has_text="Back to the session").tap()
    page.wait_for_url(re.compile(rf"/training/sessions/{s.pk}/$"))
    expect(page.locator("main")).to_contain_text("On official business")
    assert_accessible(page)
    assert_fits_the_screen(page)


def test_the_whole_list_is_saved_without_javascript_on_a_phone(open_page):
    tree = factories.small_tree()
    s, trainer, people = _session(tree)
    rows = {p.user_id: p.pk for p in Participant.objects.filter(session=s)}
    page = open_page("phone", javascript=False)
    sign_in(page, trainer.username, tree.password)
    page.goto(f"/training/sessions/{s.pk}/attendance/")
    for user in people:
        page.locator(f"label[for=att-{rows[user.pk]}-absent]").tap()
    page.locator("main form button", has_text="Save the whole list").tap()
    expect(page.locator("main")).to_contain_text("correct the rows marked below")
    for user in people:
        page.locator(f"#reason-{rows[user.pk]}").fill("Đi công tác")
    page.locator("main form button", has_text="Save the whole list").tap()
    expect(page.locator("main")).to_contain_text("The attendance was saved.")
    assert_fits_the_screen(page)
    assert set(Participant.objects.filter(session=s).values_list("attendance", flat=True)) == {A.ABSENT}


def test_the_coordinator_reads_the_sessions_and_courses_on_a_desktop(open_page):
    tree = factories.small_tree()
    s, _trainer, _people = _session(tree)
    coordinator = factories.make_user(f"{tree.prefix}coord".lower(), tree.district, full_name="Điều phối")
    factories.assign(coordinator, "training_coordinator", tree.district, include_subunits=True)
    page = open_page("desktop")
    sign_in(page, coordinator.username, tree.password)
    for url in ("/training/sessions/", s.get_absolute_url(), f"/training/sessions/{s.pk}/invite/",
                "/training/courses/", s.course.get_absolute_url(), "/training/competences/",
                "/training/sessions/new/"):
        page.goto(url)
        expect(page.locator("main h1")).to_be_visible()
        assert_accessible(page)
        assert_fits_the_screen(page)
