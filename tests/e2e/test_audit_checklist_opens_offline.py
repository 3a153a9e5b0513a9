"""An auditor on a phone opens today's checklist once with a connection; the connection is gone
(Playwright cuts the network) and the page is opened again: the checklist's service worker shows the
copy it kept — fetched again after the answers given online — (the page and its static files, not
one request reaches the portal), a question is
answered ("Not yet saved", kept on the phone), and once the connection is back it is saved exactly
once. Signing out drops the copy: the next person's phone shows no one else's checklist."""

import pytest
from playwright.sync_api import expect

from audits.models import AnswerReceipt, ChecklistItem
from audits.services import checklist as services
from audits.views import checklist as views
from tests.audits.factories_checklist import checklist_world, clauses
from tests.e2e.conftest import assert_assets_loaded, assert_fits_the_screen, screenshot, sign_in, sign_out

pytestmark = pytest.mark.e2e
A = ChecklistItem.Answer
PAGES = "qms-offline-checklist-pages"
KEPT_PAGES = f"""async () => {{
  const cache = await caches.open("{PAGES}");
  return (await cache.keys()).map((request) => new URL(request.url).pathname);
}}"""


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def page_views(monkeypatch):
    """How many times the portal itself rendered a checklist page."""
    served = []
    original = views.ChecklistView.get

    def counted(self, request, *args, **kwargs):
        served.append(request.path)
        return original(self, request, *args, **kwargs)

    monkeypatch.setattr(views.ChecklistView, "get", counted)
    return served


def eventually(phone, script, seconds=15):
    """Until the page's async ``script`` gives true (``wait_for_function`` does not wait for a promise)."""
    for _ in range(seconds * 5):
        if phone.evaluate(script):
            return
        phone.wait_for_timeout(200)
    raise AssertionError(f"never true: {script}")


def wait_until_kept(phone, path):
    eventually(phone, f"async () => ({KEPT_PAGES})().then((paths) => paths.includes('{path}'))")
    eventually(phone, "() => Boolean(navigator.serviceWorker.controller)")  # the worker sees what the page sends


def offline(phone, yes):
    """No connection for the page and for its service worker alike."""
    phone.context.set_offline(yes)


def test_a_checklist_opened_once_opens_and_is_answered_without_a_connection(open_page, page_views):
    w = checklist_world()
    items = services.checklist_build(acting_user=w.lead, audit=w.audit, clauses=clauses("7.5", "8.5", "9.1"))
    url = f"/audits/{w.audit.pk}/checklist/"

    phone = open_page("phone")
    sign_in(phone, w.member.username, w.tree.password)
    phone.goto(url)
    expect(phone.get_by_role("heading", level=1)).to_contain_text(w.audit.title)
    wait_until_kept(phone, url)  # the first visit: the page asked the new worker to keep it
    # answered with the connection: the kept copy is fetched again once the answers stop
    phone.locator(f"label[for='a-{items[0].pk}-conforms']").tap()
    expect(phone.locator(f"#item-{items[0].pk} [data-status]")).to_contain_text("Saved")
    eventually(phone, f"""async () => {{
      const kept = await caches.match("{url}", {{cacheName: "{PAGES}"}});
      return Boolean(kept) && (await kept.text()).includes('data-version="1" data-answer="conforms"');
    }}""")

    offline(phone, True)
    seen = len(page_views)
    assert phone.reload().from_service_worker
    expect(phone.get_by_role("heading", level=1)).to_contain_text(w.audit.title)
    assert len(page_views) == seen  # the copy: nothing reached the portal
    assert_assets_loaded(phone)  # Bootstrap, htmx and the scripts came from the copy too
    expect(phone.locator("[data-offline-banner]")).to_be_visible()
    expect(phone.locator(f"#a-{items[0].pk}-conforms")).to_be_checked()  # as last kept
    assert_fits_the_screen(phone)

    phone.locator(f"label[for='a-{items[1].pk}-nonconformity']").tap()
    card = phone.locator(f"#item-{items[1].pk}")
    expect(card.get_by_test_id("not-yet-saved")).to_be_visible()
    expect(phone.locator("[data-pending-banner]")).to_have_attribute("data-count", "1")
    screenshot(phone, "audit-checklist-reopened-offline-phone")
    assert ChecklistItem.objects.get(pk=items[1].pk).answer == ""

    offline(phone, False)
    phone.evaluate("window.dispatchEvent(new Event('online'))")  # as the phone does when the signal is back
    expect(phone.locator("[data-pending-banner]")).to_be_hidden()
    expect(card.locator("[data-status]")).to_contain_text("Saved")
    phone.evaluate("window.dispatchEvent(new Event('online'))")  # again: nothing is sent twice
    phone.wait_for_timeout(500)
    saved = ChecklistItem.objects.get(pk=items[1].pk)
    assert (saved.answer, saved.version) == (A.NONCONFORMITY, 1)
    assert AnswerReceipt.objects.filter(item=saved).count() == 1 and AnswerReceipt.objects.count() == 2
    assert saved.history.filter(answer=A.NONCONFORMITY).count() == 1


def test_signing_out_drops_the_copies_of_the_checklist(open_page):
    w = checklist_world()
    services.checklist_build(acting_user=w.lead, audit=w.audit, clauses=clauses("7.5"))
    url = f"/audits/{w.audit.pk}/checklist/"
    phone = open_page("phone")
    sign_in(phone, w.member.username, w.tree.password)
    phone.goto(url)
    wait_until_kept(phone, url)
    phone.goto(f"/audits/{w.audit.pk}/checklist/?arrange=1")  # pages of the area that are not the checklist
    phone.goto(f"/audits/{w.audit.pk}/checklist/{w.audit.items.get().pk}/history/")
    assert phone.evaluate(KEPT_PAGES) == [url]  # are not kept
    phone.goto("/")
    sign_out(phone)
    eventually(phone, f"async () => !(await caches.has('{PAGES}'))")
    offline(phone, True)
    with pytest.raises(Exception, match="net::ERR_"):  # nothing kept to show
        phone.goto(url)
    offline(phone, False)
    phone.goto(url)  # with the connection: the portal asks who is there
    expect(phone.locator("#id_username")).to_be_visible()
