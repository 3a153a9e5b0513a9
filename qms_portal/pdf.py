"""``render_pdf(template, context)`` with WeasyPrint and a deny-by-default URL fetcher.

The fetcher serves the portal's own static files (``/static/…``, found through the staticfiles
finders) and ``data:`` URIs, and refuses everything else: no network, no ``file:`` paths. Fonts
come from the system (Noto Sans CJK SC/TC for Chinese, chosen by the template from the language).

A machine without the libraries WeasyPrint needs (pango) still runs the portal: PDF actions raise
``PdfUnavailable`` with what to install.
"""

import logging
import mimetypes
import unicodedata

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
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


def _static_path(relative):
    """A static file by the name templates give it: in production a hashed name from the manifest
    (collected into STATIC_ROOT), in development the source file found by the finders."""
    from django.contrib.staticfiles.storage import staticfiles_storage

    try:
        if staticfiles_storage.exists(relative):
            return staticfiles_storage.path(relative)
    except NotImplementedError:  # a storage without local paths
        pass
    return finders.find(relative)


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
    html = render_to_string(template, {"language": language, **context})
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
