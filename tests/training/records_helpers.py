"""Fixtures of the records part's tests: ``session_page`` (autouse where imported) serves the
project's URLs with a stand-in session page when the sessions part is not merged in yet."""

import pytest
from django.test import override_settings


@pytest.fixture(autouse=True)
def session_page():
    with override_settings(ROOT_URLCONF="tests.training.records_urlconf"):
        yield
