"""The test suite's own tools keep their promises: data built once per module is checked against
its constraints as it is built (not again at the end of every test), and the cleaning after a test
that commits leaves every table empty, as Django's flush does."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import IntegrityError, connection

from tests import factories
from tests.helpers import built_once


def test_data_built_once_is_checked_against_its_constraints_as_it_is_built(db, django_db_blocker):
    membership = get_user_model().groups.through

    def build():
        membership.objects.create(user_id=987654, group_id=987654)  # no such person, no such group

    with pytest.raises(IntegrityError), built_once(django_db_blocker, build):
        pass  # pragma: no cover - the build itself fails


def test_the_cleaning_after_a_test_that_commits_leaves_every_table_empty(transactional_db):
    factories.small_tree()
    assert get_user_model().objects.exists()
    call_command("flush", verbosity=0, interactive=False, reset_sequences=False, inhibit_post_migrate=True)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        holding = []
        for name in connection.introspection.django_table_names(only_existing=True, include_views=False):
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {quote(name)})")
            if cursor.fetchone()[0]:
                holding.append(name)
    assert holding == []
