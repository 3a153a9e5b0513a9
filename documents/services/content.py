"""Revision content: sanitised rich text, an uploaded source file (a DOCX is shown as HTML through
mammoth), and the plain text used for search."""

import html
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from qms_portal.sanitize import clean_html
from qms_portal.search import searchable
from qms_portal.uploads import extension, storage_name, validate_upload

SOURCE_TYPES = ("docx", "xlsx", "pdf")
SEARCH_TEXT_CHARS = 200000  # of a revision's text, for search


def plain_text(markup):
    text = re.sub(r"<[^>]+>", " ", markup or "")
    return unicodedata.normalize("NFC", " ".join(html.unescape(text).split()))


def docx_to_html(upload):
    """A DOCX as sanitised HTML, so officials read procedures without downloading them."""
    import mammoth

    upload.seek(0)
    try:
        result = mammoth.convert_to_html(upload)
    except Exception:  # noqa: BLE001 - any failure inside the document is a damaged file for the user
        raise ValidationError(_("This DOCX file could not be read (it may be damaged)."))
    finally:
        upload.seek(0)
    return clean_html(result.value)


def accept_source_file(revision, upload):
    """Validate an uploaded source file and attach it to the revision (not saved yet)."""
    validate_upload(upload, allowed=SOURCE_TYPES)
    revision.source_html = docx_to_html(upload) if extension(upload.name) == "docx" else ""
    revision.source_name = unicodedata.normalize("NFC", upload.name)[:255]
    upload.name = storage_name("documents", upload.name).split("/", 1)[1]
    revision.source_file = upload


def search_text_of(code, title, content, source_html=""):
    """What a revision's ``search_text`` holds: the document's code and title and the revision's
    text and source, as search matches them (``qms_portal.search.searchable``: folded, so that a
    query without tone marks finds it, then the words that carry marks)."""
    return searchable(" ".join(
        part for part in (code, title, plain_text(content), plain_text(source_html)) if part
    )[:SEARCH_TEXT_CHARS])


def search_key_of(code, title):
    """What a document's ``search_key`` holds: its code and title, as search matches them."""
    return searchable(f"{code} {title}")


def refresh_search_text(revision):
    document = revision.document
    revision.search_text = search_text_of(document.code, document.title, revision.content, revision.source_html)
