"""Each document keeps a copy of its type's level (``Document.level``), so the register's pages in
level-then-code order are read from the index ``document_level_order`` instead of sorting every
document in the reader's scope (the level lives on the type). Existing documents get their type's
level in one UPDATE (a derived, hidden column: no history entry for it)."""

from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_levels(apps, schema_editor):
    Document = apps.get_model("documents", "Document")
    DocumentType = apps.get_model("documents", "DocumentType")
    Document.objects.update(level=Subquery(DocumentType.objects.filter(pk=OuterRef("doc_type_id")).values("level")[:1]))



class Migration(migrations.Migration):

    dependencies = [
        ('documents', '0013_clause_titles_zh_hant_taiwan'),
        ('qms_portal', '0011_keyset_page_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='document',
            name='level',
            field=models.PositiveSmallIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name='historicaldocument',
            name='level',
            field=models.PositiveSmallIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(copy_levels, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='document',
            index=models.Index(fields=['level', 'code', 'id'], name='document_level_order'),
        ),
    ]
