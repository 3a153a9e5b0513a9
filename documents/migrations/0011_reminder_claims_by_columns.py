"""The documents area's reminder claims written as free text ("ack-reminder:<acknowledgement>",
"review:<document>:<date>:<stage>") become claims keyed by (kind, object, stage, due date), the
form the core's reminder sweep reads, so nothing already reminded is reminded again."""

from datetime import date

from django.db import migrations
from django.utils import timezone


def convert(apps, schema_editor):
    Claim = apps.get_model("qms_portal", "ReminderClaim")
    Acknowledgement = apps.get_model("documents", "Acknowledgement")
    legacy = Claim.objects.filter(key__regex=r"^(ack-reminder|review):").order_by("pk")
    last = 0
    while True:
        batch = list(legacy.filter(pk__gt=last)[:2000])
        if not batch:
            return
        last = batch[-1].pk
        acks = {pk: created for pk, created in Acknowledgement.objects.filter(
            pk__in=[int(c.key.split(":")[1]) for c in batch if c.key.startswith("ack-reminder:")
                    and c.key.split(":")[1].isdigit()]).values_list("pk", "created_at")}
        converted, done = [], []
        for claim in batch:
            parts = claim.key.split(":")
            try:
                if parts[0] == "ack-reminder":
                    created = acks.get(int(parts[1]))
                    if created is None:
                        done.append(claim.pk)  # the acknowledgement is gone: nothing to remind
                        continue
                    new = Claim(kind="acknowledgement_overdue", object_id=int(parts[1]), stage="overdue",
                                due=timezone.localtime(created).date())
                else:
                    new = Claim(kind="review_due", object_id=int(parts[1]), stage=parts[3],
                                due=date.fromisoformat(parts[2]))
            except (IndexError, ValueError):
                continue
            new.created_at = new.sent_at = claim.created_at
            converted.append(new)
            done.append(claim.pk)
        Claim.objects.bulk_create(converted, ignore_conflicts=True)
        Claim.objects.filter(pk__in=done).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("documents", "0010_controlled_copy_attempts"),
        ("qms_portal", "0009_typed_messages_and_reminder_claims"),
    ]

    operations = [migrations.RunPython(convert, migrations.RunPython.noop)]
