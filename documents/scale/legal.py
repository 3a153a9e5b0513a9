"""The legal register of the benchmark's data, and the trigram indexes its register search needs."""

import importlib
import pkgutil
from datetime import datetime, timedelta

from django.db import connection
from simple_history.utils import bulk_create_with_history

from qms_portal.models import nfc

from ..models import LegalDocument
from .text import _LEGAL_KINDS, _VI_TOPICS


def _trigram_migration():
    """The migration module that creates the trigram indexes (found by its name's ending, whatever
    its number)."""
    from .. import migrations

    name = next(m.name for m in pkgutil.iter_modules(migrations.__path__) if m.name.endswith("_trigram_search"))
    return importlib.import_module(f"{migrations.__name__}.{name}")


def ensure_trigram_indexes():
    """PostgreSQL: the trigram indexes of the documents' ``*_trigram_search`` migration (created
    there; made again here, idempotently, if someone dropped them). Returns their names."""
    if connection.vendor != "postgresql":
        return []
    migration = _trigram_migration()
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname = ANY(%s)",
                       [[name for name, _t, _c in migration.INDEXES]])
        present = {row[0] for row in cursor.fetchall()}
    if len(present) < len(migration.INDEXES):
        with connection.schema_editor() as editor:
            migration.create(None, editor)
    return [name for name, _t, _c in migration.INDEXES]


def legal_documents(count, rng, history):
    """About ``count`` legal documents (numbers already in the register are left alone)."""
    existing = set(LegalDocument.objects.values_list("number", flat=True))
    rows, numbers = [], set(existing)
    topics = _VI_TOPICS
    attempts = 0
    while len(rows) < count and attempts < count * 20:
        attempts += 1
        suffix, issuer, pattern = rng.choice(_LEGAL_KINDS)
        year = rng.randint(2008, 2025)
        number = f"{rng.randint(1, 180)}/{year}/{suffix}" if suffix != "QH14" else f"{rng.randint(1, 99)}/{year}/QH14"
        if number in numbers:
            continue
        numbers.add(number)
        issued = datetime(year, rng.randint(1, 12), rng.randint(1, 28)).date()
        rows.append(LegalDocument(number=number, title=nfc(pattern.format(topic=rng.choice(topics))),
                                  issuer=nfc(issuer), issue_date=issued,
                                  effective_date=issued + timedelta(days=rng.choice([0, 15, 45, 60])),
                                  created_at=history["default_date"]))
    # Newest first: a few older ones were replaced by a newer one, some amended or repealed.
    rows.sort(key=lambda r: r.issue_date, reverse=True)
    keep, replaced = [], []
    for i, row in enumerate(rows):
        roll = rng.random()
        if i >= 5 and roll < 0.06:
            row.status = LegalDocument.Status.REPLACED
            replaced.append((row, rng.randrange(0, max(1, i // 2))))
        else:
            if roll < 0.14:
                row.status = LegalDocument.Status.AMENDED
            elif roll < 0.16:
                row.status = LegalDocument.Status.REPEALED
            keep.append(row)
    keep = bulk_create_with_history(keep, LegalDocument, batch_size=500, **history)
    for row, index in replaced:
        row.replaced_by = keep[min(index, len(keep) - 1)]
    replaced = bulk_create_with_history([r for r, _i in replaced], LegalDocument, batch_size=500, **history)
    return list(LegalDocument.objects.exclude(number__in=existing).filter(
        status__in=[LegalDocument.Status.IN_FORCE, LegalDocument.Status.AMENDED])), len(keep) + len(replaced)

