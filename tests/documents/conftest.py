import pytest

from tests.documents.factories import doc_setup


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded sources and controlled copies go to a folder of the test's own, so a test can check
    what was stored (and nothing lands in var/media)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def ds(db):
    """The documents test world (see ``tests.documents.factories.doc_setup``)."""
    return doc_setup()


@pytest.fixture
def no_pdf(monkeypatch):
    """Controlled copies rendered without WeasyPrint (fast): the calls are counted."""
    calls = []

    def fake(template, context, progress=None):
        calls.append(context["revision"].pk if "revision" in context else template)
        return b"%PDF-1.4 fake controlled copy"

    monkeypatch.setattr("documents.pdf.render_pdf", fake)
    return calls
