"""What every page a browser test visits must pass, at the desktop width AND at 390 px (a flow
parametrized by ``kind``, run once on a desktop and once on a phone, checks each run at its own):

- axe-core's WCAG 2.1 AA rules (tags ``wcag2a, wcag2aa, wcag21a, wcag21aa``), through
  ``axe-playwright-python``, which bundles axe-core and injects it with ``page.evaluate`` (the CDP
  evaluates it beside the page: the Content-Security-Policy does not apply);
- at 390 px, the page never scrolls sideways (``scrollWidth <= clientWidth`` of the document);
- every id its ``aria-describedby`` and ``aria-labelledby`` name is on the page (axe-core only
  lists a missing one "to review").

``PageChecker.watch(page)`` with ``checking_before_actions()`` makes this automatic: before each
action the test takes on a page (a click, a tap, filling a field, ``goto`` …) the page is checked as
it is then — htmx swaps and open menus included — and at the end of the test, the page it ends on.
The same markup at the same width is checked once per test process (markup compared without its
per-request tokens: a sign-in page served afresh to each person is one page); what fails is listed at
the end of the test that first met it (``report()``: page, width, rule, impact, selectors).

A page is two parts for this: its ``<main>`` and its frame (everything else: the head, the menus,
the footer). When one part is new at a width and the other was checked there already, as it is now,
axe-core checks the new part only (``include`` or ``exclude`` the ``<main>``): a menu opened over a
page, or a form filled in under the same menus. Each element is still checked against the whole
document (ids, references, colours behind it); the page-level rules run whenever the frame is
checked. A quarter of the checks of a run are of one part only, which took half of their time.
"""

import functools
import hashlib
import json
import re
from contextlib import contextmanager

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
MAX_NODES = 8  # per rule in a report; the rest are counted

_axe = Axe()
# null: not a page (an image, a PDF); false: a document the page is navigating to, not parsed yet.
MARKUP = """() => document.contentType !== 'text/html' ? null
  : document.documentElement && document.readyState !== 'loading' ? document.documentElement.outerHTML : false"""
# Transitions running (a button just tapped fades to its hover colours) finish first — axe would
# measure the colours half-way — then two frames let the layout settle.
SETTLE = """async () => {
  const ending = document.getAnimations().filter(a => a.effect && a.effect.getComputedTiming().endTime !== Infinity);
  const running = Promise.all(ending.map(a => a.finished.catch(() => null)));
  await Promise.race([running, new Promise(done => setTimeout(done, 2000))]);
  await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
}"""


# What axe-core checks of a page (its context, as JavaScript): the whole document, its <main> only, or
# all but it.
WHOLE, MAIN_ONLY, FRAME_ONLY = "document", '{"include": [["main"]]}', '{"exclude": [["main"]]}'


def axe_violations(page, context=WHOLE):
    """axe-core's WCAG 2.1 AA violations on the page as it is now (a list of axe's result dicts), in
    ``context``. ``Axe.run`` sends axe-core (570 kB) into the page each time; a document is checked at
    two widths and in several states (a menu open, a form filled), so it is sent once per document
    here and run as ``Axe.run`` runs it."""
    if not page.evaluate("() => typeof window.axe === 'object' && typeof window.axe.run === 'function'"):
        page.evaluate(_axe.axe_script)
    script = f"axe.run({context}, {json.dumps(AXE_OPTIONS)}).then(results => results)"
    return page.evaluate(script)["violations"]


def sideways_overflow(page):
    """How many pixels the document is wider than its viewport (0 when it does not scroll sideways)."""
    return page.evaluate("() => Math.max(0, document.documentElement.scrollWidth"
                         " - document.documentElement.clientWidth)")


def describe(violations):
    """A readable list: each rule with its impact and the selectors of the offending elements."""
    lines = []
    for rule in violations:
        lines.append(f"  {rule['id']} ({rule.get('impact') or 'no impact'}): {rule['help']} [{len(rule['nodes'])}]")
        for node in rule["nodes"][:MAX_NODES]:
            target = " ".join(" >> ".join(t) if isinstance(t, list) else t for t in node["target"])
            why = next((c["message"] for part in ("any", "all", "none") for c in node.get(part, [])), "")
            lines.append(f"    - {target}" + (f" — {why}" if why else ""))
        if len(rule["nodes"]) > MAX_NODES:
            lines.append(f"    … and {len(rule['nodes']) - MAX_NODES} more")
    return "\n".join(lines)


OVERFLOWING = """() => {
  const limit = document.documentElement.clientWidth + 0.5;
  const clipped = el => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement)
      if (getComputedStyle(up).overflowX !== 'visible') return true;  // scrolls (or clips) in its own box
    return false;
  };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    const parent = el.parentElement.getBoundingClientRect();
    if (box.width > 0 && box.right > limit && parent.right <= limit && !clipped(el)) {  // where it starts
      let name = el.tagName.toLowerCase();
      if (el.id) name += '#' + el.id;
      else if (el.classList.length) name += '.' + [...el.classList].join('.');
      out.push(`${name} (to ${Math.round(box.right)}px)`);
    }
  }
  return out.slice(0, 8);
}"""
# axe-core leaves a reference to a missing element "to review" (the element might come later); here a
# help text or an error that a field points at must be on the page.
BROKEN_REFERENCES = """() => {
  const out = [];
  for (const name of ['aria-describedby', 'aria-labelledby']) {
    for (const el of document.querySelectorAll(`[${name}]`)) {
      for (const id of el.getAttribute(name).split(/\\s+/).filter(Boolean)) {
        const who = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '');
        if (!document.getElementById(id)) out.push(`${who} ${name}="${id}"`);
      }
    }
  }
  return out;
}"""
SCRIPTS = re.compile(r"<script\b.*?</script>", re.S | re.I)
# What differs from one serving of the same page to the next and nothing in axe-core reads: the form's
# CSRF token and the Content-Security-Policy nonce.
PER_REQUEST = re.compile(r'(name="csrfmiddlewaretoken" value|nonce)="[^"]*"')
# (key, width name) already checked in this process, the key being a page's (frame, main) digests or
# either of them: every test's checker shares it, so a page met again in a later test (the sign-in
# page, a list seen before) is not run through axe again.
CHECKED = set()


MAIN = re.compile(r"<main\b.*</main>", re.S | re.I)


def markup_digest(markup):
    return hashlib.sha256(PER_REQUEST.sub(r'\1=""', markup).encode()).hexdigest()


def part_digests(markup):
    """(frame, main) digests of a page's markup: its ``<main>`` element, and the rest without it (a
    page without a ``<main>`` is all frame). The pair is the page's own key."""
    found = MAIN.search(markup)
    if found is None:
        return markup_digest(markup), None
    return markup_digest(markup[:found.start()] + "<main>" + markup[found.end():]), markup_digest(found.group())


def context_for(parts, name, checked):
    """What of a page axe-core checks at width ``name``: the part that is new, when the other was checked
    there already; the whole page otherwise (both parts new, or both seen but not together)."""
    frame, main = parts
    frame_seen, main_seen = (frame, name) in checked, main is not None and (main, name) in checked
    if frame_seen and main is not None and not main_seen:
        return MAIN_ONLY
    if main_seen and not frame_seen:
        return FRAME_ONLY
    return WHOLE


class PageChecker:
    """Checks the pages of one test and collects what they fail, per page and width; ``report()``
    lists it all."""

    def __init__(self, origin, widths=tuple(WIDTHS), checked=None):
        self.origin = origin
        self.widths = widths  # the widths each page is checked at (a test run at both checks its own)
        self.failures = []  # (path, width name, text)
        self.checked = CHECKED if checked is None else checked  # (key, width name)
        self.busy = False
        self.copy = None  # a page with JavaScript on, for the markup of pages without it

    def watch(self, page, javascript=True):
        """Check ``page`` before each action the test takes on it (see ``checking_before_actions``)."""
        page.portal_checker = self
        page.portal_javascript = javascript

    def close(self):
        if self.copy is not None:
            self.copy.context.close()

    def check(self, page):
        """Check the page as it is now at both widths, unless this very markup was checked already;
        the viewport is restored afterwards."""
        if self.busy or page.is_closed() or not page.url.startswith(self.origin):
            return
        self.busy = True
        try:
            self._check(page)
        finally:
            self.busy = False

    def _check(self, page):
        # A navigation the page started itself (a link just tapped, a redirect) may be replacing the
        # document: wait until the new one is there and loaded, for up to 10 s.
        for attempt in range(100):
            page.wait_for_load_state("load")  # its stylesheets applied
            try:
                markup = page.evaluate(MARKUP)
            except PlaywrightError:  # the document was replaced while it was read
                if attempt == 99:
                    raise
                markup = False
            if markup is not False:
                break
            page.wait_for_timeout(100)
        else:
            raise AssertionError(f"{page.url} did not finish loading within 10 s")
        if markup is None:  # an image or a PDF opened in the tab
            return
        parts = part_digests(markup)
        path = page.url[len(self.origin):] or "/"
        target = page if getattr(page, "portal_javascript", True) else self._copy_of(page, markup)
        original = target.viewport_size
        first = "phone" if original["width"] <= WIDTHS["phone"]["width"] else "desktop"
        references = True  # the same markup at every width: its references are checked once
        try:
            for name in (first, "desktop" if first == "phone" else "phone"):
                if name not in self.widths or (parts, name) in self.checked:
                    continue
                context = context_for(parts, name, self.checked)
                self.checked.update((key, name) for key in (parts, *parts) if key is not None)
                if name != first:
                    target.set_viewport_size(WIDTHS[name])
                target.evaluate(SETTLE)
                self._check_one(target, path, name, references, context)
                references = False
        finally:
            if target.viewport_size != original:
                target.set_viewport_size(original)
                target.evaluate(SETTLE)

    def _copy_of(self, page, markup):
        """axe-core is a script: in a page with JavaScript off its timers never fire. Such a page is
        checked as a copy — its markup without scripts, its styles loaded from the live server — in a
        page with JavaScript on."""
        if self.copy is None:
            self.copy = page.context.browser.new_context(viewport=page.viewport_size).new_page()
        self.copy.set_viewport_size(page.viewport_size)
        html = SCRIPTS.sub("", markup).replace("<head>", f'<head><base href="{page.url}">', 1)
        self.copy.set_content("<!doctype html>" + html, wait_until="load")
        return self.copy

    def _check_one(self, page, path, name, references=True, context=WHOLE):
        overflow = sideways_overflow(page) if name == "phone" else 0
        broken = page.evaluate(BROKEN_REFERENCES) if references else []
        violations = axe_violations(page, context)
        if overflow or broken or violations:
            lines = []
            if overflow:
                where = ", ".join(page.evaluate(OVERFLOWING)) or "?"
                lines.append(f"  scrolls sideways: {overflow}px wider than the screen; from: {where}")
            lines += [f"  refers to an element that is not on the page: {ref}" for ref in broken]
            self.failures.append((path, name, "\n".join(lines + [describe(violations)]).rstrip()))

    def report(self):
        return report(self.failures)


def report(failures):
    """Each page and width once (a page checked in several states — a menu open, a form filled —
    that fails the same way is listed once)."""
    if not failures:
        return ""
    out = ["Pages that fail axe-core's WCAG 2.1 AA rules or scroll sideways at 390 px:"]
    for path, name, text in dict.fromkeys(failures):
        out.append(f"{path} at the {name} width ({WIDTHS[name]['width']}px):\n{text}")
    return "\n".join(out)


# The actions before which the page is checked: everything that can leave a page or change it.
ACTIONS = ("goto", "reload", "go_back", "go_forward", "click", "dblclick", "tap", "fill", "type", "press",
           "press_sequentially", "check", "uncheck", "set_checked", "select_option", "set_input_files",
           "dispatch_event")


def _checked_first(action):
    @functools.wraps(action)
    def run(self, *args, **kwargs):
        page = self if isinstance(self, Page) else self.page
        checker = getattr(page, "portal_checker", None)
        if checker is not None:
            checker.check(page)
        return action(self, *args, **kwargs)

    return run


@contextmanager
def checking_before_actions():
    """While it lasts, every action a test takes on a watched page (``Page`` or ``Locator``: click,
    tap, fill, goto, …) first checks the page as it is (``PageChecker.check``). Playwright cannot
    look at a page while it is being left (an intercepted navigation freezes it), so the page is
    checked when the test is about to act on it — which every page a flow visits is, but the last,
    checked at the end of the test."""
    with pytest.MonkeyPatch.context() as patch:
        for cls in (Page, Locator):
            for name in ACTIONS:
                if hasattr(cls, name):
                    patch.setattr(cls, name, _checked_first(getattr(cls, name)))
        yield
