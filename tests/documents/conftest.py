import pytest

from tests.documents.factories import doc_setup
from tests.helpers import built_once, fresh_world


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded sources and controlled copies go to a folder of the test's own, so a test can check
    what was stored (and nothing lands in var/media)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(scope="module")
def _ds_world(django_db_setup, django_db_blocker):
    """``doc_setup()`` built once per module inside an outer transaction that is rolled back at the
    end; each test runs in a savepoint inside it (pytest-django's ``db``), so what a test writes is
    gone before the next one."""
    with built_once(django_db_blocker, doc_setup) as world:
        yield world


@pytest.fixture
def ds(_ds_world, db):
    """The documents test world (see ``tests.documents.factories.doc_setup``), with every person and
    unit read afresh: permission caches kept on a user object must not pass from one test to the
    next."""
    return fresh_world(_ds_world)


@pytest.fixture
def no_pdf(monkeypatch):
    """Controlled copies rendered without WeasyPrint (fast): the calls are counted."""
    calls = []

    def fake(template, context, progress=None):
        calls.append(context["revision"].pk if "revision" in context else template)
        return b"%PDF-1.4 fake controlled copy"

    monkeypatch.setattr("documents.pdf.render_pdf", fake)
    return calls
