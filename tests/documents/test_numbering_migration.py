"""The migration that moves the documents' counters onto the core's number sequences: every counter
becomes a sequence with the same last number (so no code is ever given again), a larger number
already in a sequence is kept, and going back restores the counters.

The migrations are found by the ending of their names, whatever number the integrator gives them."""

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from documents.services import document_allocate_code, ensure_system_types
from qms_portal.models import NumberSequence
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


class _WithoutOtherAreas(MigrationLoader):
    """The migrations of every app but the areas other than documents. Those areas' first
    migrations depend on documents' latest: going back to an earlier documents migration would undo
    them all (and do them again), which costs minutes of model-state rendering for nothing these
    tests look at. Left out of the graph, their tables stay as they are (a reference to a documents
    table still finds it: no documents migration these tests cross drops a table they refer to)."""

    @classmethod
    def migrations_module(cls, app_label):
        if app_label in settings.QMS_AREAS and app_label != "documents":
            return None, False
        return super().migrations_module(app_label)


def executor_of_documents():
    executor = MigrationExecutor(connection)
    executor.loader = _WithoutOtherAreas(connection)
    return executor


def _named(executor, app, ending):
    [key] = [k for k in executor.loader.graph.nodes if k[0] == app and k[1].endswith(ending)]
    return key


def _before(executor, key):
    """The migration of the same app that ``key`` comes right after."""
    [parent] = [p for p in executor.loader.graph.node_map[key].parents if p.key[0] == key[0]]
    return parent.key


def _migrate(targets):
    executor = executor_of_documents()
    executor.migrate(targets)
    return executor


def _latest():
    return executor_of_documents().loader.graph.leaf_nodes()


def test_the_counters_become_number_sequences_with_the_same_last_numbers_and_back():
    executor = executor_of_documents()
    copy = _named(executor, "documents", "_counters_to_number_sequences")
    before = _before(executor, copy)
    types = ensure_system_types()
    root = factories.make_root("MIGCITY")
    dept = factories.make_unit(root, "MIGSNV")
    ward = factories.make_unit(root, "MIGW1", kind="ward")
    try:
        executor = _migrate([before])
        old = executor.loader.project_state([before]).apps
        Counter = old.get_model("documents", "DocumentCounter")
        Counter.objects.create(unit_id=dept.pk, doc_type_id=types["QT"].pk, last_number=7)
        Counter.objects.create(unit_id=dept.pk, doc_type_id=types["HD"].pk, last_number=3)
        Counter.objects.create(unit_id=ward.pk, doc_type_id=types["QT"].pk, last_number=12)
        Counter.objects.create(unit_id=ward.pk, doc_type_id=types["BM"].pk, last_number=2)
        # Sequences that already exist: a smaller number is raised, a larger one is kept.
        NumberSequence.objects.create(unit=ward, kind="documents:QT", last_number=5)
        NumberSequence.objects.create(unit=ward, kind="documents:BM", last_number=9)
        NumberSequence.objects.create(unit=ward, kind="NC", year=2026, last_number=4)  # not a document's

        _migrate(_latest())

        sequences = {(s.unit_id, s.kind, s.year): s.last_number for s in NumberSequence.objects.all()}
        assert sequences == {
            (dept.pk, "documents:QT", None): 7,
            (dept.pk, "documents:HD", None): 3,
            (ward.pk, "documents:QT", None): 12,
            (ward.pk, "documents:BM", None): 9,
            (ward.pk, "NC", 2026): 4,
        }
        # numbering goes on after the counter
        assert document_allocate_code(unit=dept, doc_type=types["QT"]) == "MIGSNV-QT-08"
        assert document_allocate_code(unit=ward, doc_type=types["BM"]) == "MIGW1-BM-10"

        # Backwards: the counters come back from the sequences (with what was given meanwhile).
        executor = _migrate([before])
        old = executor.loader.project_state([before]).apps
        Counter = old.get_model("documents", "DocumentCounter")
        counters = {(c.unit_id, c.doc_type.code): c.last_number for c in Counter.objects.select_related("doc_type")}
        assert counters == {(dept.pk, "QT"): 8, (dept.pk, "HD"): 3, (ward.pk, "QT"): 12, (ward.pk, "BM"): 10}
    finally:
        _migrate(_latest())
    assert not NumberSequence.objects.filter(last_number__lt=0).exists()
    # forward again: nothing lost, nothing twice
    assert document_allocate_code(unit=dept, doc_type=types["QT"]) == "MIGSNV-QT-09"
