"""Fixtures shared by the audits' tests."""

from datetime import date

import pytest
from django.utils import timezone


@pytest.fixture
def today(monkeypatch):
    """Mid-July of this year: a programme's months before it are behind when not done, those after
    it not yet due."""
    fixed = date(timezone.localdate().year, 7, 15)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: fixed)
    return fixed
