"""Browser tests: Playwright for Python (sync API) driving the SYSTEM Chromium against
pytest-django's ``live_server`` (a transactional test database; static files served by Django's
StaticFilesHandler, so the real CSS and JS load under the real Content-Security-Policy).

No browser is ever downloaded. Without a system Chromium (its headless shell, else /usr/bin/chromium)
or without the playwright package the tests are skipped — unless ``QMS_REQUIRE_BROWSER=1`` (CI),
which turns the skip into a failure.

Every page opened through ``open_page`` is watched: a Content-Security-Policy violation, a
JavaScript error or a static file that fails to load fails the test. So does a page it visits that
breaks axe-core's WCAG 2.1 AA rules at the desktop width or at 390 px, or that scrolls sideways at
390 px (``checks.py``: each page is checked before the test acts on it, and the last one at the end).
Screenshots go to ``test-results/`` (git-ignored).
"""

import os
import re
from pathlib import Path

import pytest
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread

from tests.e2e.checks import PageChecker, checking_before_actions
from tests.helpers import need

# Playwright's sync API runs an asyncio event loop in this thread; Django's ORM would otherwise refuse
# to run here ("You cannot call this from an async context").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

# Chromium's headless shell (Debian's chromium-headless-shell: the browser without its window system,
# what Playwright itself runs headless) takes a quarter less CPU than the full browser on the same flow
# (measured: 49 against 64 CPU-seconds); the full browser serves where only it is installed.
BROWSERS = ("/usr/lib/chromium/chromium-headless-shell", "/usr/bin/chromium")
CHROMIUM = next((path for path in BROWSERS if os.path.exists(path)), BROWSERS[-1])
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
RESULTS = Path(__file__).resolve().parents[2] / "test-results"
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
              "device_scale_factor": 2},
}
TIMEOUT_MS = 15_000


def pytest_configure(config):
    """pytest-playwright (installed alongside, its fixtures unused here) empties its ``--output``
    folder, ``test-results/`` by default, whenever a session — or an xdist worker — starts, which
    would delete the screenshots of a worker that started earlier. Point it at a sub-folder."""
    if getattr(config.option, "output", None) == "test-results":
        config.option.output = str(RESULTS / "playwright")


class SerialWSGIServer(WSGIServer):
    """The live server answering one request at a time. Django's threaded live server hands every
    request thread the SAME in-memory SQLite connection; two requests at once (a page and the
    browser's /favicon.ico) then interleave on one connection and a query can see nothing. Served
    one by one (Django closes each connection: ``Connection: close``), the race cannot happen."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)


@pytest.fixture(scope="session", autouse=True)
def _serial_live_server():
    """Installed before pytest-django's session-wide ``live_server`` starts (autouse runs first)."""
    original = LiveServerThread.server_class
    LiveServerThread.server_class = SerialWSGIServer
    yield
    LiveServerThread.server_class = original


@pytest.fixture(scope="session", autouse=True)
def _check_pages_before_actions():
    with checking_before_actions():
        yield


@pytest.fixture(scope="session")
def chromium():
    need(os.path.exists(CHROMIUM), f"no system Chromium at {CHROMIUM}", "QMS_REQUIRE_BROWSER")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the dev extras install it
        need(False, "the playwright package is not installed", "QMS_REQUIRE_BROWSER")
    manager = sync_playwright().start()
    try:
        browser = manager.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Exception as error:  # noqa: BLE001
        manager.stop()
        need(False, f"the system Chromium did not start: {error}", "QMS_REQUIRE_BROWSER")
    yield browser
    browser.close()
    manager.stop()


class PageProblems(list):
    """What went wrong while a page was open: CSP violations, script errors, failed static files."""


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.e2e_failed = report.failed
    return report


@pytest.fixture
def open_page(chromium, live_server, request):
    """``open_page("desktop" | "phone", javascript=True)`` → a Playwright page in a fresh context
    (its own cookies), watched for problems that fail the test at teardown."""
    # A flow parametrized by ``kind`` runs once on a desktop and once on a phone: each run checks its
    # pages at its own width (the other run checks the other). Any other test checks both widths.
    kind = getattr(request.node, "callspec", None) and request.node.callspec.params.get("kind")
    widths = (kind,) if kind in VIEWPORTS else tuple(VIEWPORTS)
    contexts, problems, checker = [], PageProblems(), PageChecker(live_server.url, widths)

    def make(kind="desktop", javascript=True):
        # Reduced motion: Bootstrap then opens menus and collapses without their 0.35 s transitions,
        # which every test would otherwise wait out (and the page checks too, before measuring colours).
        context = chromium.new_context(
            base_url=live_server.url, locale="en-GB", java_script_enabled=javascript, reduced_motion="reduce",
            **VIEWPORTS[kind],
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.portal_kind = kind
        page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}")
                if msg.type == "error" or "Content Security Policy" in msg.text else None)
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        page.on("response", lambda r: problems.append(f"{r.status} {r.url}")
                if "/static/" in r.url and r.status >= 400 else None)
        checker.watch(page, javascript)
        return page

    yield make
    failed = getattr(request.node, "e2e_failed", False)
    if failed:  # what the browser showed when it failed
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        for number, context in enumerate(contexts):
            for page in context.pages:
                screenshot(page, f"FAILED-{name}-{number}")
    for context in contexts:
        if not failed:  # the pages the test ends on
            for page in context.pages:
                checker.check(page)
        context.close()
    checker.close()
    # A 403/404/410 page the test opened on purpose logs "Failed to load resource" for the page itself.
    real = [p for p in problems if not re.search(r"Failed to load resource: the server responded with a status "
                                                 r"of (403|404|410|429)", p)]
    assert not real, "The browser reported problems:\n" + "\n".join(real)
    if checker.failures:
        pytest.fail(checker.report(), pytrace=False)


def screenshot(page, name):
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"e2e-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page, username, password):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():  # the next page has loaded before the test goes on (a phone's menu
        page.click("main form button[type=submit]")  # tapped during the redirect is on the old page)


def open_menu(page):
    """On a phone the navigation hides behind the toggler: open it (no-op on a desktop). The page must
    have run its deferred scripts first: a tap before Bootstrap listens opens nothing."""
    page.wait_for_load_state()
    toggler = page.locator("button.navbar-toggler")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.tap() if getattr(page, "portal_kind", "") == "phone" else toggler.click()
        page.locator("#nav.show").wait_for()


def open_menu_entry(page, menu, entry):
    """Open the page ``entry`` of the main menu's dropdown ``menu``, as a person does."""
    open_menu(page)
    toggle = page.locator("#nav .dropdown-toggle", has_text=menu)
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.tap() if getattr(page, "portal_kind", "") == "phone" else toggle.click()
    link = page.locator("#nav .dropdown-menu.show").get_by_role("link", name=entry, exact=True)
    with page.expect_navigation():
        link.tap() if getattr(page, "portal_kind", "") == "phone" else link.click()


def sign_out(page):
    open_menu(page)
    page.click("nav .navbar-nav:not(.me-auto) .dropdown-toggle")
    page.click("form[action$='/accounts/logout/'] button")
    page.wait_for_url(re.compile(r"/accounts/login/"))


# Tom Select has seen ``typed`` and has the server's answer: ``loading`` counts the searches asked and
# not yet answered (counted as each letter is typed, the asking itself is debounced).
SEARCHED = """([id, typed]) => {
  const picker = document.getElementById(id).tomselect;
  return Boolean(picker && picker.lastValue === typed && picker.loading === 0);
}"""


TYPABLE = """(id) => { const picker = document.getElementById(id).tomselect;
  return Boolean(picker) && !picker.isInputHidden; }"""


def pick_unit(page, field_id, typed, unit, keep=0):
    """Choose ``unit`` with the unit picker as a person does: type ``typed`` (part of its name or
    code) into the box and pick the unit from the options the server sends. A picker of several
    units (``keep``: how many it held before) adds it to those."""
    from playwright.sync_api import expect

    phone = getattr(page, "portal_kind", "") == "phone"
    control = page.locator(f".ts-control:has(#{field_id}-ts-control)")  # the box, with or without a unit in it
    if keep:  # the box holds units, each with its remove button: tap where one types
        control = page.locator(f"#{field_id}-ts-control")
    control.tap() if phone else control.click()
    # A box holding a unit is hidden while Tom Select has no focus, and swallows a key; it takes the
    # focus a moment after the tap (``focus()`` defers its own handler). A person sees the caret before
    # typing; a first letter typed sooner was lost (1 run in 3 of the plan flows on a quick machine:
    # "T2-DIST" searched "2-DIST"). An empty box takes keys at once, focused or not.
    page.wait_for_function(TYPABLE, arg=field_id)
    page.locator(f"#{field_id}-ts-control").press_sequentially(typed, delay=30)
    # The list the server sends for what was typed is in: an option still shown from an earlier search
    # is re-drawn when that answer comes, and a tap landing in between selected nothing.
    page.wait_for_function(SEARCHED, arg=[field_id, typed])
    choice = page.locator(f"#{field_id}-ts-dropdown [data-value='{unit.pk}']")
    choice.tap() if phone else choice.click()
    # leave the box, as a person moving on does: its list closes and covers no field below it
    dropdown = page.locator(f"#{field_id}-ts-dropdown")
    for _attempt in range(5):
        page.locator(f"#{field_id}-ts-control").evaluate("box => box.blur()")
        # The list sometimes stays open after the box loses focus in the headless browser (Tom Select
        # ignores a blur while the document is not focused, and a late answer to the search then opens
        # it again) and covers the next field: close it as leaving the box would, until it stays closed.
        page.locator(f"select#{field_id}").evaluate("select => select.tomselect && select.tomselect.close()")
        page.wait_for_timeout(150)  # a late answer, if one comes, has reopened it by now
        if dropdown.is_hidden():
            break
    expect(dropdown).to_be_hidden()
    if keep:
        expect(page.locator(f"select#{field_id} option:checked")).to_have_count(keep + 1)
        assert str(unit.pk) in page.locator(f"select#{field_id}").evaluate(
            "select => [...select.selectedOptions].map((option) => option.value)")
        return
    assert page.locator(f"select#{field_id}").input_value() == str(unit.pk)


# The people picker is the unit picker's widget on people: chosen the same way (typed name, picked option).
pick_person = pick_unit


def assert_fits_the_screen(page):
    """Nothing wider than the viewport: the page itself never scrolls sideways (tables scroll in
    their own ``.table-responsive`` box)."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the screen"


def assert_assets_loaded(page):
    """Bootstrap's CSS and the scripts (Bootstrap, htmx, portal.js) really loaded under the CSP."""
    loaded = page.evaluate("""() => ({
        css: getComputedStyle(document.body).getPropertyValue('--bs-primary').trim(),
        bootstrap: typeof window.bootstrap === 'object',
        htmx: typeof window.htmx === 'object',
    })""")
    assert loaded == {"css": "#0d6efd", "bootstrap": True, "htmx": True}, loaded


WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def assert_accessible(page):
    """axe-core's WCAG 2.0 and 2.1 level A and AA rules on the page as it is now: no violation.
    axe comes with the axe-playwright-python package (a dev dependency), never from the network."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:  # pragma: no cover - the dev extras install it
        need(False, "the axe-playwright-python package is not installed", "QMS_REQUIRE_BROWSER")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]})
    assert results.violations_count == 0, results.generate_report()
