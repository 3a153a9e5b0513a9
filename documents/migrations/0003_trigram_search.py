"""On PostgreSQL, trigram indexes make substring search over code, title and content fast for
Chinese and Vietnamese: the search columns hold case-folded text and are matched with LIKE
'%…%', which a gin_trgm_ops index serves."""

from django.db import migrations

INDEXES = [
    ("documents_doc_key_trgm", "documents_document", "search_key"),
    ("documents_rev_text_trgm", "documents_revision", "search_text"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("documents", "0002_seed_clauses_and_types")]
    operations = [migrations.RunPython(create, drop)]
