import pytest

from tests.helpers import built_once, fresh_world
from tests.nonconformities.factories import nc_setup


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Evidence goes to a folder of the test's own (nothing lands in var/media)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(scope="module")
def _ns_world(django_db_setup, django_db_blocker):
    """``nc_setup()`` built once per module, rolled back at the end; each test runs in a savepoint."""
    with built_once(django_db_blocker, nc_setup) as world:
        yield world


@pytest.fixture
def ns(_ns_world, db):
    """The nonconformities test world (``tests.nonconformities.factories.nc_setup``), with every person
    and unit read afresh: permission caches kept on a user object must not pass between tests."""
    return fresh_world(_ns_world)
