"""The main menu offers a menu, and each entry in it, only to whoever has a use for it: what each
seeded role sees, read from the page."""

from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from qms_portal import services
from qms_portal.roles import SYSTEM_ROLES
from tests import factories

pytestmark = pytest.mark.django_db


class MenuReader(HTMLParser):
    """The main menu of a page as ``{top-level entry: [its dropdown entries]}`` (a plain link: [])."""

    def __init__(self):
        super().__init__()
        self.menu, self.depth, self.inside, self.text, self.current, self.kind = {}, 0, False, "", None, None

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "ul" and "navbar-nav" in classes and "me-auto" in classes:
            self.inside, self.depth = True, 0
        if not self.inside:
            return
        if tag == "ul":
            self.depth += 1
        if tag == "a" and ("nav-link" in classes or "dropdown-item" in classes):
            self.kind, self.text = ("top" if "nav-link" in classes else "item"), ""

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "a" and self.kind:
            label = " ".join(self.text.split())
            if self.kind == "top":
                self.current = label
                self.menu[label] = []
            else:
                self.menu[self.current].append(label)
            self.kind = None
        if tag == "ul":
            self.depth -= 1
            self.inside = self.depth > 0

    def handle_data(self, data):
        if self.kind:
            self.text += data


def main_menu(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    reader = MenuReader()
    reader.feed(response.content.decode())
    return reader.menu


ADMINISTRATION = {
    "administrator": ["Units", "People", "Role assignments", "Roles"],
    "steering_committee": ["Units", "People", "Role assignments", "Roles"],
    "management_representative": ["Units", "People", "Role assignments"],
    "department_head": ["Units", "People", "Role assignments"],
    "document_controller": ["People"],
    "internal_auditor": ["People"],
    "training_coordinator": ["People"],
    "staff": None,  # no Administration menu at all
}
DOCUMENTS = {  # the others: ["Register", "Legal register"]; "Acknowledgements": who read what, person by person
    "administrator": ["Register", "Acknowledgements", "Legal register", "Announcements of conformity", "Numbering"],
    "steering_committee": ["Register", "Acknowledgements", "Legal register", "Announcements of conformity"],
    "management_representative": ["Register", "Acknowledgements", "Legal register", "Announcements of conformity"],
    "document_controller": ["Register", "Acknowledgements", "Legal register", "Numbering"],
    "department_head": ["Register", "Acknowledgements", "Legal register"],
    "internal_auditor": ["Register", "Acknowledgements", "Legal register"],
}


def test_every_seeded_role_is_in_the_table():
    assert set(ADMINISTRATION) == set(SYSTEM_ROLES)


@pytest.mark.parametrize("role_code", sorted(ADMINISTRATION))
def test_each_seeded_role_sees_the_menus_it_has_a_use_for(role_code, client_for):
    tree = factories.small_tree()
    person = factories.make_user(f"{tree.prefix}{role_code}", tree.ward1)
    services.role_assign(acting_user=tree.superuser, user=person, role=tree.roles[role_code], unit=tree.ward1,
                         include_subunits=True, notify_user=False)
    menu = main_menu(client_for(person))

    assert list(menu)[0] == "My work" and list(menu)[-1] == "Access requests"  # everyone may ask for a role
    assert menu.get("Administration") == ADMINISTRATION[role_code]
    assert menu["Documents"] == DOCUMENTS.get(role_code, ["Register", "Legal register"])


def test_a_staff_member_sees_no_administration_menu_but_may_still_open_their_unit(client_for):
    """The menu only offers what is of use; what the permission allows stays allowed."""
    tree = factories.small_tree()
    staff = client_for(tree.ward1_staff)
    assert "Administration" not in main_menu(staff)
    assert staff.get(reverse("unit_list")).status_code == 200
    page = staff.get(tree.ward1.get_absolute_url())
    assert page.status_code == 200
    # Nor does their unit's page claim that nobody holds a role there: they may not see who does.
    assert "Who holds which role here" not in page.content.decode()


def test_a_role_that_changes_the_tree_brings_the_units_entry(client_for):
    tree = factories.small_tree()
    role = services.role_save(acting_user=tree.superuser, code=f"{tree.prefix}planner", name="Planner",
                              permissions=Permission.objects.filter(content_type__app_label="qms_portal",
                                                                    codename__in=["view_unit", "change_unit"]))
    person = factories.make_user(f"{tree.prefix}planner", tree.ward1)
    services.role_assign(acting_user=tree.superuser, user=person, role=role, unit=tree.ward1, notify_user=False)
    assert main_menu(client_for(person))["Administration"] == ["Units"]


def test_the_navigation_bar_escapes_the_name_marks_the_page_and_speaks_the_reader_s_language(client_for):
    """The bar is written in Python (``qms_portal.navigation``): what the template wrote, escaped."""
    from qms_portal.notifications import notify

    tree = factories.small_tree()
    person = tree.ward1_staff
    person.full_name, person.language = '<b>"Lê"</b> & Văn', "zh-hant"
    person.save()
    notify([person], "role_assigned", params={"role": "Staff member", "unit": "W1"})
    client = client_for(person)
    client.cookies["django_language"] = "zh-hant"
    html = client.get(reverse("inbox")).content.decode()
    nav = html[html.index('<nav class="navbar'):html.index("</nav>")]
    assert "&lt;b&gt;&quot;Lê&quot;&lt;/b&gt; &amp;" in nav and "<b>" not in nav
    assert f'class="nav-link active" href="{reverse("inbox")}" id="inbox-link"' in nav
    assert 'data-testid="unread-count">1<' in nav
    assert ">收件匣" in nav  # the inbox, in Traditional Chinese
    assert nav.count('name="csrfmiddlewaretoken"') == 2  # signing out and the language switcher
    assert '<option value="zh-hant" lang="zh-hant" selected>' in nav
    assert f'name="next" value="{reverse("inbox")}"' in nav


def test_the_sign_in_page_offers_the_language_switcher_as_a_form(client):
    html = client.get(reverse("login")).content.decode()
    assert html.count('<select name="language"') == 1 and "&lt;form" not in html
    assert f'action="{reverse("switch_language")}"' in html and 'name="next" value="/accounts/login/"' in html
