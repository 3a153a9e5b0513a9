"""The page checks themselves (checks.py) catch what they are there for: a WCAG 2.1 AA violation
at either width, a page that scrolls sideways at 390 px, a field described by a text that is not
there, and they say where."""

import pytest

from tests.e2e.checks import FRAME_ONLY, MAIN_ONLY, WHOLE, PageChecker, context_for, part_digests

pytestmark = pytest.mark.e2e

FAULTY = """<!doctype html><html lang="en"><head><meta name="viewport" content="width=device-width">
<style>.faint { color: #aaa; background: #fff; } .wide { width: 600px; }</style></head>
<body><main><h1>A page</h1><p class="faint" id="faint">Hard to read</p>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" id="no-alt">
<label for="name">Name</label><input id="name" aria-describedby="name_helptext">
<div class="wide" id="wide">Wider than a phone</div></main></body></html>"""


@pytest.fixture
def bare_page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    yield context.new_page()
    context.close()


def test_it_reports_violations_and_sideways_scrolling_at_each_width(bare_page):
    bare_page.set_content(FAULTY)
    checker = PageChecker(origin="about:", checked=set())

    checker.check(bare_page)

    by_width = {name: text for _path, name, text in checker.failures}
    assert set(by_width) == {"desktop", "phone"}
    for text in by_width.values():
        assert "color-contrast (serious)" in text and "#faint" in text
        assert "image-alt (critical)" in text and "#no-alt" in text
    assert 'input#name aria-describedby="name_helptext"' in by_width["desktop"]
    assert "scrolls sideways" not in by_width["desktop"]
    assert "scrolls sideways" in by_width["phone"] and "div#wide" in by_width["phone"]
    assert bare_page.viewport_size == {"width": 1280, "height": 800}  # put back as it was
    assert "at the phone width (390px)" in checker.report()


def test_it_checks_the_same_markup_once_and_a_changed_page_again(bare_page):
    bare_page.set_content(FAULTY)
    checker = PageChecker(origin="about:", checked=set())
    checker.check(bare_page)
    checker.check(bare_page)
    assert len(checker.failures) == 2  # desktop and phone, once

    bare_page.evaluate("document.getElementById('faint').className = ''")
    checker.check(bare_page)
    assert len(checker.failures) == 4
    assert "color-contrast" not in checker.failures[-1][2]


def test_a_page_that_passes_reports_nothing(bare_page):
    bare_page.set_content('<!doctype html><html lang="en"><head><title>Fine</title></head>'
                          "<body><main><h1>Fine</h1><p>Easy to read.</p></main></body></html>")
    checker = PageChecker(origin="about:", checked=set())
    checker.check(bare_page)
    assert checker.failures == [] and checker.report() == ""


def test_a_page_served_again_with_new_tokens_is_not_checked_again_even_by_another_tests_checker(bare_page):
    """The set of pages checked is the process's: a later test's checker skips a page an earlier one
    checked, when only its CSRF token or nonce differ; a real change is checked."""
    checked = set()
    served = FAULTY.replace("<main>", '<main><form><input type="hidden" name="csrfmiddlewaretoken" value="TOKEN">'
                            '<button>Send</button></form>')
    bare_page.set_content(served.replace("TOKEN", "first-token"))
    PageChecker(origin="about:", checked=checked).check(bare_page)
    assert len(checked) == 6  # the page, its frame and its main, at each width

    later = PageChecker(origin="about:", checked=checked)
    bare_page.set_content(served.replace("TOKEN", "second-token"))
    later.check(bare_page)
    assert later.failures == [] and len(checked) == 6

    bare_page.set_content(served.replace("TOKEN", "third-token").replace("Send", "Send it"))
    later.check(bare_page)
    assert len(later.failures) == 2 and len(checked) == 10  # a new page and a new main, the same frame


FRAMED = """<!doctype html><html lang="en"><head><title>Framed</title>
<style>.faint { color: #aaa; background: #fff; }</style></head>
<body><nav aria-label="Main menu"><a href="#a" id="menu-link">Menu</a></nav>
<main><h1>A page</h1><p id="body-text">Easy to read.</p></main></body></html>"""


def test_what_is_checked_of_a_page_is_the_part_that_is_new_at_that_width():
    frame, main = part_digests(FRAMED)
    assert (frame, main) == part_digests(FRAMED.replace("Menu", "Menu"))
    assert part_digests(FRAMED.replace("Easy", "Plain"))[0] == frame  # a change in <main>: the same frame
    assert part_digests(FRAMED.replace("Menu<", "Open menu<"))[1] == main  # and the other way round
    assert part_digests("<html><body><p>no main</p></body></html>")[1] is None
    assert context_for((frame, main), "desktop", set()) == WHOLE
    assert context_for((frame, main), "desktop", {(frame, "desktop")}) == MAIN_ONLY
    assert context_for((frame, main), "desktop", {(main, "desktop")}) == FRAME_ONLY
    assert context_for((frame, main), "phone", {(frame, "desktop")}) == WHOLE  # seen at the other width only
    assert context_for((frame, main), "desktop", {(frame, "desktop"), (main, "desktop")}) == WHOLE
    assert context_for((frame, None), "desktop", {(frame, "desktop")}) == WHOLE


def test_a_page_whose_menus_alone_or_main_alone_changed_is_checked_in_that_part(bare_page):
    bare_page.set_content(FRAMED)
    checker = PageChecker(origin="about:", checked=set(), widths=("desktop",))
    checker.check(bare_page)
    assert checker.failures == []

    # A menu that opens in hard-to-read colours: the frame alone is new, and it is caught.
    bare_page.evaluate("document.getElementById('menu-link').className = 'faint'")
    checker.check(bare_page)
    assert len(checker.failures) == 1 and "#menu-link" in checker.failures[0][2]

    # The same menus over a main that changed: the main alone is checked; the menu's failure, found
    # already, is not listed again, the main's new one is.
    bare_page.evaluate("document.getElementById('body-text').className = 'faint'")
    checker.check(bare_page)
    assert len(checker.failures) == 2
    assert "#body-text" in checker.failures[1][2] and "#menu-link" not in checker.failures[1][2]
