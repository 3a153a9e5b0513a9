"""Documents number their codes with the core's number sequences (``qms_portal.numbering``): every
``DocumentCounter`` row (unit, document type, last number) becomes a ``NumberSequence`` row (unit,
kind ``documents:<type code>``, no year) with the same last number, so no code is ever given again.
Where a sequence already exists, the larger last number is kept.

Backwards: every ``documents:<type code>`` sequence without a year is copied back into a counter
(the larger last number again); the sequences are left in place, so going forward again loses
nothing either.
"""

from django.db import migrations

PREFIX = "documents:"


def counters_to_sequences(apps, schema_editor):
    Counter = apps.get_model("documents", "DocumentCounter")
    Sequence = apps.get_model("qms_portal", "NumberSequence")
    existing = {
        (s.unit_id, s.kind): s for s in Sequence.objects.filter(kind__startswith=PREFIX, year__isnull=True)
    }
    new = []
    for unit_id, type_code, last in Counter.objects.values_list("unit_id", "doc_type__code", "last_number").iterator():
        kind = f"{PREFIX}{type_code}"
        sequence = existing.get((unit_id, kind))
        if sequence is None:
            new.append(Sequence(unit_id=unit_id, kind=kind, year=None, last_number=last))
        elif sequence.last_number < last:
            sequence.last_number = last
            sequence.save(update_fields=["last_number"])
    Sequence.objects.bulk_create(new, batch_size=1000)


def sequences_to_counters(apps, schema_editor):
    Counter = apps.get_model("documents", "DocumentCounter")
    Sequence = apps.get_model("qms_portal", "NumberSequence")
    DocumentType = apps.get_model("documents", "DocumentType")
    types = dict(DocumentType.objects.values_list("code", "pk"))
    existing = {(c.unit_id, c.doc_type_id): c for c in Counter.objects.all()}
    new = []
    for unit_id, kind, last in Sequence.objects.filter(kind__startswith=PREFIX, year__isnull=True).values_list(
        "unit_id", "kind", "last_number"
    ).iterator():
        type_id = types.get(kind[len(PREFIX):])
        if type_id is None:
            continue  # a kind that is no document type (nothing of the old numbering used it)
        counter = existing.get((unit_id, type_id))
        if counter is None:
            new.append(Counter(unit_id=unit_id, doc_type_id=type_id, last_number=last))
        elif counter.last_number < last:
            counter.last_number = last
            counter.save(update_fields=["last_number"])
    Counter.objects.bulk_create(new, batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ("documents", "0006_step_order_by_revision_id"),
        ("qms_portal", "0003_number_sequence"),
    ]

    operations = [
        migrations.RunPython(counters_to_sequences, sequences_to_counters),
    ]
