"""Search without tone marks: the search columns hold folded text ("thu tuc dang ky") followed by
the words that carry marks ("thủ tục đăng ký"), as ``qms_portal.search.searchable`` writes them.
Every document's key and every revision's text are written again in that form (the search key
needs more room for its second part). The trigram indexes (0003, 0005) serve the new text as
they served the old.

The rows are rewritten with ``bulk_update`` on the migration's own models: these columns are a
search index, derived and hidden, and a history entry per document saying nothing visible changed
would only be noise for an auditor."""

from django.db import migrations, models

BATCH = 200


def refresh(apps, schema_editor):
    from documents.services.content import search_key_of, search_text_of

    _rewrite(apps, key=lambda code, title: search_key_of(code, title)[:800], text=search_text_of)


def back(apps, schema_editor):
    """The form before: NFC and case-folded, marks kept."""
    from documents.services.content import plain_text
    from qms_portal.search import search_form

    def text(code, title, content, source_html):
        parts = (code, title, plain_text(content), plain_text(source_html))
        return search_form(" ".join(part for part in parts if part))[:200000]

    _rewrite(apps, key=lambda code, title: search_form(f"{code} {title}")[:400], text=text)


def _rewrite(apps, *, key, text):
    Document = apps.get_model("documents", "Document")
    Revision = apps.get_model("documents", "Revision")
    documents = Document.objects.only("pk", "code", "title", "search_key").order_by("pk")
    _in_batches(documents, Document, lambda d: key(d.code, d.title), "search_key")
    revisions = (Revision.objects.select_related("document")
                 .only("pk", "content", "source_html", "search_text", "document__code", "document__title")
                 .order_by("pk"))
    _in_batches(revisions, Revision, lambda r: text(r.document.code, r.document.title, r.content, r.source_html),
                "search_text")


def _in_batches(queryset, model, value_of, field):
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last)[:BATCH])
        if not rows:
            return
        for row in rows:
            setattr(row, field, value_of(row))
        model.objects.bulk_update(rows, [field], batch_size=BATCH)
        last = rows[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0011_reminder_claims_by_columns"),
    ]

    operations = [
        migrations.AlterField(
            model_name="document",
            name="search_key",
            field=models.CharField(blank=True, editable=False, max_length=800),
        ),
        migrations.AlterField(
            model_name="historicaldocument",
            name="search_key",
            field=models.CharField(blank=True, editable=False, max_length=800),
        ),
        migrations.RunPython(refresh, back),
    ]
