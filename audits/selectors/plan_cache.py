"""What the plan part keeps in the cache, and what retires it.

The audit list and the programme list keep their content (``ScopedListView.cache_generations``,
per reader, scope, query string, language and day). Both are retired by the generation
``"audits"``, which any change to an audit, its people (team, auditees), a programme, its entries
(and their clauses and procedures: the programme entries' register shows them, ``audits/cached.py``)
or a single-object grant on an audit bumps; and by the names they show: units and people (the lead
auditor). ``tests/audits/test_cached_lists.py`` records what each list shows and fails when a change
to it would not retire the list."""

from qms_portal import fragments

AUDITS = "audits"
LIST_GENERATIONS = (AUDITS, fragments.UNITS, fragments.PEOPLE)


def track_changes():
    for label in ("audits.Audit", "audits.Audit_team", "audits.Audit_auditees", "audits.Audit_scope_units",
                  "audits.AuditProgramme", "audits.ProgrammeEntry", "audits.ProgrammeEntry_clauses",
                  "audits.ProgrammeEntry_procedures", "audits.AuditUserObjectPermission"):
        fragments.track(label, (AUDITS,))
