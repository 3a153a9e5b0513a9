"""The programme entries' register reads its first page in index order: newest programme first,
its lines by month (``audits.selectors.programme_register.REGISTER_ORDER``)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("audits", "0003_findings_reached_through_the_audit"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="programmeentry",
            index=models.Index(fields=["-programme", "planned_month", "id"], name="programme_entry_register"),
        ),
    ]
