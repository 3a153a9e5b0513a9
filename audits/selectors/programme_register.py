"""Reads of the programme entries' register (plan part): every line of the audit programmes the
reader may see, with what its rows show, and the filters' rules.

An entry is *in* its programme's unit (``ProgrammeEntry.unit_field`` is ``programme__unit``): the
dashboard rolls the entries up the tree by that unit, so the register's unit filter takes the same
one, with its sub-units. *Done* and *behind its month* are the dashboard figures' own conditions
(``certificates.entries_done_q`` and ``certificates.entries_behind_q``), never a copy of them."""

from django.db.models import Case, CharField, Exists, OuterRef, Prefetch, Q, Value, When

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
    """The entries ``user`` may see, with what each row shows — its programme and the programme's
    unit, the unit audited, the clauses, the processes and procedures, the audits that carry it out
    (number and status) and its ``state`` — in four queries whatever the number of rows on the page
    (the rows, then the clauses, the procedures and the audits of the page's rows)."""
    from documents.models import Clause, Document

    return (ProgrammeEntry.objects.restrict(user, "view")
            .select_related("programme__unit", "unit")
            .only("planned_month", "note", "programme_id", "unit_id", "programme__title", "programme__year",
                  "programme__unit_id", "programme__unit__code", "programme__unit__name", "programme__unit__path",
                  "unit__code", "unit__name", "unit__path")
            .annotate(state=entry_state(today))
            .prefetch_related(
                Prefetch("clauses", queryset=Clause.objects.only("pk", "number", "sort_key").order_by("sort_key")),
                Prefetch("procedures", queryset=Document.objects.only("pk", "code").order_by("code", "pk")),
                Prefetch("audits", queryset=Audit.objects.only("pk", "number", "status", "programme_entry_id")
                         .order_by("starts_on", "pk"))))

