"""ncscale: the register at a province's size — the counts by status read from an index on
(status, unit), and on PostgreSQL a trigram index on the search key (number and title), which
serves the register's search (LIKE '%…%') as the documents' search keys are served."""

from django.conf import settings
from django.db import migrations, models

TRIGRAM = ("nonconformities_nc_key_trgm", "nonconformities_nonconformity", "search_key")


def create_trigram(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    name, table, column = TRIGRAM
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)")


def drop_trigram(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM[0]}")


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('documents', '0014_document_level_copy'),
        ('nonconformities', '0003_ncreports'),
        ('qms_portal', '0012_public_link_standing'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='nonconformity',
            index=models.Index(fields=['status', 'unit'], include=['id', 'grade', 'source', 'clause', 'detected_on'],
                               name='nc_status_unit'),
        ),
        migrations.RunPython(create_trigram, drop_trigram),
        migrations.AddIndex(
            model_name='correctiveaction',
            index=models.Index(condition=models.Q(('status__in', ['open', 'in_progress'])), fields=['due', 'id'], name='action_active_due'),
        ),
    ]
