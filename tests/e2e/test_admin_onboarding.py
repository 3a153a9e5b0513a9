"""Flow b: an administrator creates a unit, imports its people from a CSV file and gives one of them
a role from the unit page; that person sets a password from the e-mailed link, signs in and sees
only their own part of the tree."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from qms_portal.models import RoleAssignment, Unit, User
from tests import factories
from tests.e2e.conftest import assert_assets_loaded, screenshot, sign_in

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "Song-Huong-2025"


def test_an_administrator_onboards_a_unit_and_its_people(open_page, live_server):
    tree = factories.small_tree()
    code = f"{tree.prefix}W3"
    admin = open_page("desktop")
    sign_in(admin, tree.admin.username, tree.password)
    expect(admin.locator("main h1")).to_have_text("My work")

    # 1. a new ward under the district, from the district's page
    admin.click("nav >> text=Administration")
    admin.click("nav .dropdown-menu >> text=\"Units\"")  # (exactly: not "Evaluations of units")
    admin.click(f"main table >> text={tree.district.code}")
    admin.click("main >> text=Add sub-unit")
    expect(admin.locator("#id_parent")).to_have_value(str(tree.district.pk))
    admin.fill("#id_code", code)
    admin.fill("#id_name", "Phường Thuận Hòa")
    admin.select_option("#id_kind", "ward")
    admin.click("main form button[type=submit]")
    expect(admin.locator(".alert-success")).to_contain_text("The unit was created.")
    expect(admin.locator("main h1")).to_contain_text("Phường Thuận Hòa")
    unit = Unit.objects.get(code=code)
    assert unit.parent == tree.district

    # 2. its people, from a CSV file with a role_code column
    admin.click("nav >> text=Administration")
    admin.click("nav .dropdown-menu >> text=People")
    admin.click("main >> text=Import people")
    csv = (
        "username,full_name,email,unit_code,language,role_code\n"
        f"hoang.lan,Hoàng Thị Lan,lan@example.org,{code},vi,staff\n"
        f"bui.quang,Bùi Văn Quang,quang@example.org,{code},vi,\n"
    ).encode()
    admin.set_input_files("#id_file", files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": csv}])
    admin.click("main form button[type=submit]")
    expect(admin.locator(".alert-success")).to_contain_text("2 people were imported.")
    expect(admin.locator("main table")).to_contain_text("Bùi Văn Quang")
    assert RoleAssignment.objects.filter(user__username="hoang.lan", unit=unit, role__code="staff").exists()

    # 3. a role for one of them, from the unit page
    admin.goto(unit.get_absolute_url())
    admin.click("main >> text=Assign a role")
    admin.fill("#id_user", "bui.quang")
    admin.select_option("#id_role", label="Internal auditor")
    expect(admin.locator("#id_unit")).to_have_value(str(unit.pk))
    admin.click("main form button[type=submit]")
    expect(admin.locator(".alert-success")).to_contain_text("The role was assigned.")
    expect(admin.locator("#roles + a + .table-responsive, main table").last).to_contain_text("Bùi Văn Quang")
    screenshot(admin, "b-unit-page-desktop")

    # 4. Quang follows the e-mailed link, sets a password and signs in
    [message] = [m for m in mail.outbox if m.to == ["quang@example.org"] and "/accounts/reset/" in m.body]
    link = re.search(r"https?://\S+/accounts/reset/\S+", message.body).group(0)
    assert link.startswith(live_server.url)
    quang = open_page("desktop")
    quang.goto(link)
    quang.fill("#id_new_password1", NEW_PASSWORD)
    quang.fill("#id_new_password2", NEW_PASSWORD)
    quang.click("main form button[type=submit]")
    expect(quang).to_have_url(re.compile(r"/accounts/reset/done/$"))
    assert User.objects.get(username="bui.quang").check_password(NEW_PASSWORD)
    sign_in(quang, "bui.quang", NEW_PASSWORD)
    expect(quang.locator("main h1")).to_have_text("Việc của tôi")  # his preferred language, from the file
    assert_assets_loaded(quang)

    # 5. he sees his unit and not its sibling; the sibling's page is "not found"
    quang.goto("/admin/units/")
    rows = quang.locator("main table tbody tr")
    expect(rows).to_have_count(1)  # the district appears only as the parent's code
    expect(rows.first.locator("td").first).to_have_text(code)
    expect(quang.locator("main table")).not_to_contain_text(tree.ward1.code)
    response = quang.goto(tree.ward1.get_absolute_url())
    assert response.status == 404
    expect(quang.locator("main h1")).to_be_visible()
    expect(quang.locator(".navbar")).to_be_visible()  # the portal's own 404 page
    screenshot(quang, "b-sibling-404-desktop")
