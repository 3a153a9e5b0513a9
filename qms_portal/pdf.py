"""``render_pdf(template, context)`` with WeasyPrint and a deny-by-default URL fetcher.

The fetcher serves the portal's own static files (``/static/…``, found through the staticfiles
finders) and ``data:`` URIs, and refuses everything else: no network, no ``file:`` paths. Fonts
come from the system (Noto Sans CJK SC/TC for Chinese, chosen by the template from the language).
Chinese written in a page of another language (a Chinese title in the English interface) is marked
with its own ``lang`` — ``han_variant`` says which, ``mark_han`` wraps its runs — so it prints in
the Simplified or Traditional face of Noto Sans CJK, never in the Japanese one fontconfig would pick.

A machine without the libraries WeasyPrint needs (pango) still runs the portal: PDF actions raise
``PdfUnavailable`` with what to install.
"""

import logging
import mimetypes
import re
import unicodedata
from itertools import groupby

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)
BASE_URL = "https://portal.invalid/"
INSTALL_HINT = "apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk"


class PdfUnavailable(RuntimeError):
    pass


def weasyprint_problem():
    """None when PDFs can be made here, else a sentence saying what to install."""
    try:
        import weasyprint  # noqa: F401
    except (OSError, ImportError) as error:
        return f"PDF output is unavailable: {error}. Install the system libraries: {INSTALL_HINT}"
    return None


def cjk_fonts_missing():
    import shutil
    import subprocess

    fc_list = shutil.which("fc-list")
    if not fc_list:
        return True
    out = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True, check=False).stdout  # noqa: S603
    return "Noto Sans CJK" not in out


CHINESE = {"zh-hans": "zh-Hans", "zh-hant": "zh-Hant"}
# Punctuation of Chinese text (full-width forms, CJK symbols and punctuation), kept in its run.
HAN_PUNCTUATION = ((0x3000, 0x303F), (0xFE30, 0xFE4F), (0xFF00, 0xFF65))


def _is_han(char):
    from fpdf.unicode_script import UnicodeScript, get_unicode_script

    if get_unicode_script(char) in (UnicodeScript.HAN, UnicodeScript.BOPOMOFO):
        return True
    return any(low <= ord(char) <= high for low, high in HAN_PUNCTUATION)


def han_variant(*texts, language=None):
    """``"zh-Hant"`` or ``"zh-Hans"``: how the Chinese of ``texts`` is written; None when they hold
    no Han character (by Unicode script). Decided by the characters (hanzidentifier: some exist only
    in Traditional, others only in Simplified writing, by the CC-CEDICT lists); text whose characters
    are common to both, or mixed, follows ``language`` (the printing language, by default the active
    one) when it is Chinese, else Simplified."""
    import hanzidentifier

    han = "".join(c for text in texts for c in str(text or "") if _is_han(c))
    if not han:
        return None
    found = hanzidentifier.identify(han)
    if found == hanzidentifier.TRADITIONAL:
        return "zh-Hant"
    if found == hanzidentifier.SIMPLIFIED:
        return "zh-Hans"
    return CHINESE.get((language or translation.get_language() or "").lower(), "zh-Hans")


def mark_han(text, variant=None):
    """``text``, escaped, with each run of Chinese characters in ``<span lang="…">`` (``variant``, or
    the one ``han_variant`` finds in this text), so the PDF prints it in the right face."""
    text = "" if text is None else str(text)
    variant = variant or han_variant(text)
    if not variant:
        return escape(text)
    out = []
    for is_han, run in groupby(text, key=_is_han):
        run = escape("".join(run))
        out.append(f'<span lang="{variant}">{run}</span>' if is_han else run)
    return mark_safe("".join(out))  # noqa: S308 - every piece escaped above


def page_counter_css():
    """The CSS ``content`` of "Page X of Y" in the active language (the catalogue's "Page %(n)s of
    %(total)s", its numbers as the page counters), for the page's margin box."""
    parts = []
    for piece in re.split(r"(%\(n\)s|%\(total\)s)", _("Page %(n)s of %(total)s")):
        if piece == "%(n)s":
            parts.append("counter(page)")
        elif piece == "%(total)s":
            parts.append("counter(pages)")
        elif piece:
            quoted = piece.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ").replace("\n", " ")
            parts.append(f'"{quoted}"')
    return mark_safe(" ".join(parts))  # noqa: S308 - quoted above, no "<" left to close the style


def _static_path(relative):
    """A static file by the name templates give it: the source file the finders find (the same
    content ``collectstatic`` copies, so a STATIC_ROOT left from an older checkout never styles a
    PDF), else the collected copy in STATIC_ROOT (a deployment shipping collected files only)."""
    from django.contrib.staticfiles.storage import staticfiles_storage

    found = finders.find(relative)
    if found:
        return found
    try:
        if staticfiles_storage.exists(relative):
            return staticfiles_storage.path(relative)
    except NotImplementedError:  # a storage without local paths
        pass
    return None


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class PortalFetcher(URLFetcher):
        """Deny by default: static files of the portal and data: URIs only."""

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith(BASE_URL + "static/"):
                relative = url[len(BASE_URL + "static/"):].split("?")[0].split("#")[0]
                if ".." not in relative.split("/"):
                    path = _static_path(relative)
                    if path:
                        with open(path, "rb") as handle:
                            body = handle.read()
                        mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
                        return URLFetcherResponse(url, body=body, headers={"Content-Type": mime})
            log.warning("PDF renderer refused to fetch %s", url)
            raise ValueError(f"refused: {url}")

    return PortalFetcher


def render_pdf(template, context, progress=None):
    """Render a Django template to PDF bytes. Text is NFC-normalised (Vietnamese). ``progress``,
    when given, is called with a percentage after each stage (for long documents)."""
    problem = weasyprint_problem()
    if problem:
        raise PdfUnavailable(_("PDF output is not available on this server. Ask the administrator to install: "
                               "%(packages)s") % {"packages": INSTALL_HINT})
    from weasyprint import HTML

    language = translation.get_language() or "en"
    html = render_to_string(template, {"language": language, "page_counter": page_counter_css(), **context})
    html = unicodedata.normalize("NFC", html)
    if progress:
        progress(20)
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher_class()()).render()
    if progress:
        progress(80)
    return document.write_pdf()


def pdf_response(template, context, filename):
    response = HttpResponse(render_pdf(template, context), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
