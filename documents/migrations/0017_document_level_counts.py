"""The register's counts by level and category for a reader of the whole tree, or of one level,
read from an index alone (``Document.Meta.indexes``: ``document_level_counts``)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("documents", "0016_revision_search_words")]

    operations = [
        migrations.AddIndex(
            model_name="document",
            index=models.Index(fields=["level", "category"], include=("current_revision", "is_withdrawn", "id"),
                               name="document_level_counts"),
        ),
    ]
