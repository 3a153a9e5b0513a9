"""Small helpers shared by the tests (not fixtures)."""

import os
import re
from contextlib import contextmanager
from html import unescape

import pytest
from django.db import transaction


def required(env_var):
    return os.environ.get(env_var, "").strip().lower() in {"1", "true", "yes", "on"}


def need(condition, reason, env_var):
    """Skip the test when ``condition`` is false — or fail it when ``env_var`` is set to 1, so a CI
    job that promises the service cannot go green by skipping."""
    if condition:
        return
    if required(env_var):
        pytest.fail(f"{reason} (and {env_var}=1 requires it)")
    pytest.skip(reason)


@contextmanager
def built_once(django_db_blocker, build):
    """Build test data once (per module) inside a transaction that is rolled back at the end; each
    test then runs in a savepoint inside it (pytest-django's ``db``), so what it writes is gone
    before the next one."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            data = build()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield data
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def listed_codes(response):
    """The codes of the documents a register page lists, read from the page (its table is a cached
    fragment: a second visit has no documents in its context)."""
    assert response.status_code == 200, response.status_code
    return [unescape(code) for code in re.findall(r'<tr data-code="([^"]*)"', response.content.decode())]
