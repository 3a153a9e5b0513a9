import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from tests import factories


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request as a Vietnamese user activates "vi" for
    the thread, and that must not leak into the next test."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (Redis in CI): row ids repeat from one test to the next,
    and cached filter options, coverage counts or page fragments must not outlive their test."""
    cache.clear()
    yield


@pytest.fixture
def superuser(db):
    return factories.make_superuser()


@pytest.fixture
def tree(db):
    return factories.small_tree()


@pytest.fixture
def client_for(db):
    """``client_for(user)`` → a test Client logged in as ``user`` (force_login)."""

    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make
