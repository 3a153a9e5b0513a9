"""A grouped message on a phone: one message listing many records, in the reader's language, with
links to each and "and N more"; the inbox fits the screen."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from qms_portal import services
from qms_portal.models import User
from qms_portal.notifications import notify_grouped
from tests import factories
from tests.e2e.conftest import assert_fits_the_screen, screenshot, sign_in

pytestmark = pytest.mark.e2e


def test_a_grouped_message_lists_its_records_in_the_readers_language_on_a_phone(open_page):
    tree = factories.small_tree()
    reader = services.user_set_preferences(acting_user=tree.ward1_mr, language="vi",
                                           notification_mode=User.NotificationMode.NONE, phone="")
    units = [factories.make_unit(tree.ward1, f"{tree.prefix}P{n:02d}", name=f"Tổ công tác {n}") for n in range(14)]
    with translation.override("en"):
        notify_grouped("transitions_waiting", {reader: units}, params={"days": 3}, url="/")
    page = open_page("phone")
    sign_in(page, reader.username, tree.password)
    page.goto("/inbox/")
    with translation.override("vi"):
        title = translation.ngettext("%(count)s record waits for your decision",
                                     "%(count)s records wait for your decision", 14) % {"count": 14}
    item = page.locator("main .list-group-item").first
    expect(item).to_contain_text(title)
    expect(item.locator("ul li a")).to_have_count(10)
    expect(item.locator("ul li a").first).to_have_attribute("href", units[0].get_absolute_url())
    expect(item).to_contain_text("4")  # "and 4 more", in Vietnamese
    assert_fits_the_screen(page)
    screenshot(page, "grouped-message-phone")
