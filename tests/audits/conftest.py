"""Fixtures shared by the audits' tests."""

import pytest

from tests.audits.plan_factories import on_mid_july


@pytest.fixture
def today(monkeypatch):
    """Mid-July of this year (``plan_factories.on_mid_july``)."""
    return on_mid_july(monkeypatch)
