"""The ISO 9001:2015 clause catalogue and the document types of a government QMS."""

from django.db import migrations


def seed(apps, schema_editor):
    from documents.data.iso9001 import CLAUSES
    from documents.services.register import SYSTEM_TYPES

    Clause = apps.get_model("documents", "Clause")
    DocumentType = apps.get_model("documents", "DocumentType")
    for number, en, vi, hans, hant in CLAUSES:
        Clause.objects.update_or_create(
            number=number,
            defaults={"sort_key": ".".join(p.zfill(3) for p in number.split(".")), "title_en": en, "title_vi": vi,
                      "title_zh_hans": hans, "title_zh_hant": hant},
        )
    for code, (name, level, steps, category, form, months) in SYSTEM_TYPES.items():
        DocumentType.objects.get_or_create(
            code=code,
            defaults={"name": name, "level": level, "has_steps": steps, "needs_category": category,
                      "is_form": form, "default_review_months": months, "is_system": True},
        )


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
