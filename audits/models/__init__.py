"""Audits (ISO 9001:2015 clause 9.2, and external certification audits).

* ``AuditProgramme`` — a unit's annual programme (the unit runs its own QMS), approved with the
  management representative's signature; its ``ProgrammeEntry`` rows say which unit, processes and
  clauses are audited in which month, and which audit did it.
* ``Audit`` — an audit plan and its life: planned → notified → in progress → reporting → closed.
* ``ChecklistItem`` — a question of the audit's checklist and its answer on site; ``AnswerReceipt``
  keeps each answer's idempotency key so that an answer sent twice (a phone back online) is saved once.
* ``ChecklistTemplate`` / ``ChecklistTemplateItem`` — a checklist kept for next year.
* ``Finding`` — what the audit found, graded; a nonconformity finding becomes a nonconformity
  (``nonconformities.services.nonconformity_create``), linked both ways.
* ``Certificate`` / ``SurveillanceVisit`` — the certificates a unit holds, and their surveillance audits.
"""

from .audit import (
    AnswerReceipt,
    Audit,
    AuditUserObjectPermission,
    ChecklistItem,
)
from .certificate import Certificate, SurveillanceVisit
from .finding import Finding
from .programme import AuditProgramme, ProgrammeEntry
from .template import ChecklistTemplate, ChecklistTemplateItem

__all__ = [
    "AnswerReceipt", "Audit", "AuditProgramme", "AuditUserObjectPermission", "Certificate", "ChecklistItem",
    "ChecklistTemplate", "ChecklistTemplateItem", "Finding", "ProgrammeEntry",
    "SurveillanceVisit",
]
