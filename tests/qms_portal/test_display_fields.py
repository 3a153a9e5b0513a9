"""``display_fields``: a model whose ``__str__`` reads a text column names it, so that messages
listing its rows load that column with them instead of once per row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qms_portal.models import Role
from qms_portal.notifications import display_queryset


@pytest.mark.django_db
def test_text_columns_are_deferred_unless_the_model_names_them(monkeypatch):
    Role.objects.create(code="x-display", name="Display", description="Shown in messages")
    assert "description" in display_queryset(Role).query.deferred_loading[0]
    monkeypatch.setattr(Role, "display_fields", ("description",), raising=False)
    rows = display_queryset(Role).filter(code="x-display")
    assert "description" not in rows.query.deferred_loading[0]
    with CaptureQueriesContext(connection) as ctx:
        [role] = list(rows)
        assert role.description == "Shown in messages"
    assert len(ctx) == 1
