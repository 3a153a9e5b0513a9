"""On PostgreSQL, the words of each revision's search text in full-text form: a stored
``tsvector`` column computed by the database (``search_words``, unknown to Django: Django never
writes it) and a GIN index over the current revisions (the predicate of migration 0005, which
``documents.filters.DocumentFilter.search`` writes). A search typed in Vietnamese (or any
language that separates its words) is then answered by the words' index, without reading the
long texts: "hộ tịch" at province scale read 3,391 texts through the trigram index to keep 349.
The trigram index stays for Chinese, whose words are not separated by spaces
(``qms_portal.search.words_condition``).

The column adds a rewrite of the revisions table (a province's 40,000 revisions: under a minute)."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE documents_revision ADD COLUMN IF NOT EXISTS search_words tsvector "
        "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS documents_rev_current_words ON documents_revision "
        "USING gin (search_words) WHERE status IN ('effective', 'obsolete')"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS documents_rev_current_words")
    schema_editor.execute("ALTER TABLE documents_revision DROP COLUMN IF EXISTS search_words")


class Migration(migrations.Migration):
    dependencies = [("documents", "0015_register_counts_index")]
    operations = [migrations.RunPython(create, drop)]
