"""The steering committee's "acknowledgement coverage" became a rate of quantities over the effective
documents (each document's acknowledgements given / asked) instead of a rate of acknowledgement rows.
Its monthly readings taken before (``qms_portal.FigureSnapshot``) kept the acknowledgements as rows:
they are written as the quantities the figure now divides, so earlier months keep their point on the
trend."""

from django.db import migrations
from django.db.models import F

KEY = "documents.acknowledged"


def readings_as_quantities(apps, schema_editor):
    FigureSnapshot = apps.get_model("qms_portal", "FigureSnapshot")
    FigureSnapshot.objects.filter(key=KEY, total=0, denominator_total=0).update(
        total=F("rows"), denominator_total=F("denominator_rows"))


def readings_as_rows(apps, schema_editor):
    FigureSnapshot = apps.get_model("qms_portal", "FigureSnapshot")
    FigureSnapshot.objects.filter(key=KEY).update(rows=F("total"), denominator_rows=F("denominator_total"),
                                                  total=0, denominator_total=0)


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0020_acknowledgement_asked_order"),
        ("qms_portal", "0017_figure_snapshot"),
    ]

    operations = [migrations.RunPython(readings_as_quantities, readings_as_rows)]
