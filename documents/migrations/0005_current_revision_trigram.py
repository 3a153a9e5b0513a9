"""The content search reads only current revisions (effective, or obsolete once withdrawn): the
trigram index on revision text now covers those alone. At province scale that is a quarter of
the revisions; PostgreSQL rechecks a third as many long texts, and the index is a third the size.
The predicate must stay the one ``documents.filters.DocumentFilter.search`` writes, or PostgreSQL
cannot use the index."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS documents_rev_text_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS documents_rev_current_trgm ON documents_revision "
        "USING gin (search_text gin_trgm_ops) WHERE status IN ('effective', 'obsolete')"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS documents_rev_current_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS documents_rev_text_trgm ON documents_revision USING gin (search_text gin_trgm_ops)"
    )


class Migration(migrations.Migration):
    dependencies = [("documents", "0004_register_indexes")]
    operations = [migrations.RunPython(create, drop)]
