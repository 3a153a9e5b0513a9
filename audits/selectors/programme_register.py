"""Reads of the programme entries' register (plan part): every line of the audit programmes the
reader may see, with what its rows show, and the filters' rules.

An entry is *in* its programme's unit (``ProgrammeEntry.unit_field`` is ``programme__unit``): the
dashboard rolls the entries up the tree by that unit, so the register's unit filter takes the same
one, with its sub-units. *Done* and *behind its month* are the dashboard figures' own conditions
(``certificates.entries_done_q`` and ``certificates.entries_behind_q``), never a copy of them."""

from django.db.models import Case, CharField, Exists, OuterRef, Q, Value, When

from ..models import Audit, ProgrammeEntry
from .certificates import entries_behind_q, entries_done_q

# The register's order (newest programme first, its lines by month), read from the index
# ``programme_entry_register`` on the same columns in the same directions.
REGISTER_ORDER = ("-programme_id", "planned_month", "pk")

DONE, NOT_DONE, BEHIND = "done", "not_done", "behind"


def entry_state(today=None):
    """The row's state as an expression: ``"done"``, ``"behind"`` (this year's, its month passed) or
    ``"not_done"``."""
    return Case(When(entries_done_q(), then=Value(DONE)), When(entries_behind_q(today), then=Value(BEHIND)),
                default=Value(NOT_DONE), output_field=CharField())


def in_state(queryset, state, *, today=None):
    """``queryset`` (of entries) kept to those in ``state`` (``DONE``, ``NOT_DONE``, ``BEHIND``; any
    other value keeps every row)."""
    if state == DONE:
        return queryset.filter(entries_done_q())
    if state == NOT_DONE:
        return queryset.filter(~entries_done_q())
    if state == BEHIND:
        return queryset.filter(entries_behind_q(today))
    return queryset


def on_main_clause(queryset, main):
    """The entries that audit main clause ``main`` ("7"): one of their clauses is it or below it
    (7, 7.5, 7.5.3), or they name no clause (every clause is audited)."""
    through = ProgrammeEntry.clauses.through.objects.filter(programmeentry_id=OuterRef("pk"))
    named = through.filter(Q(clause__number=main) | Q(clause__number__startswith=f"{main}."))
    return queryset.filter(Q(Exists(named)) | ~Exists(through))


def programme_register(user, today=None):
    """The entries ``user`` may see, with their programme and the programme's unit, the unit audited
    and their ``state``; what else a row shows (clauses, processes and procedures, audits) is read
    for the page's rows by ``entry_details``."""
    return (ProgrammeEntry.objects.restrict(user, "view")
            .select_related("programme__unit", "unit")
            .only("planned_month", "note", "programme_id", "unit_id", "programme__title", "programme__year",
                  "programme__unit_id", "programme__unit__code", "programme__unit__name", "programme__unit__path",
                  "unit__code", "unit__name", "unit__path")
            .annotate(state=entry_state(today)))


def entry_details(entries):
    """``{entry pk: (clause numbers, procedure codes, audits)}`` for ``entries`` (a page of them),
    each audit a dict of its ``pk``, ``number`` and ``status``: three queries of plain values on the
    rows' keys. (Prefetched as objects, with a related manager per row and relation, they took
    longer than the rest of the page.)"""
    keys = [e.pk for e in entries]
    found = {pk: ([], [], []) for pk in keys}
    for row in (ProgrammeEntry.clauses.through.objects.filter(programmeentry_id__in=keys)
                .order_by("clause__sort_key", "clause_id").values("programmeentry_id", "clause__number")):
        found[row["programmeentry_id"]][0].append(row["clause__number"])
    for row in (ProgrammeEntry.procedures.through.objects.filter(programmeentry_id__in=keys)
                .order_by("document__code", "document_id").values("programmeentry_id", "document__code")):
        found[row["programmeentry_id"]][1].append(row["document__code"])
    for row in (Audit.objects.filter(programme_entry_id__in=keys).order_by("starts_on", "pk")
                .values("programme_entry_id", "pk", "number", "status")):
        found[row["programme_entry_id"]][2].append(row)
    return found
