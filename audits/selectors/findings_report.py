"""What the audit report PDF and the response dossier PDF show, read in a fixed number of
queries whatever the number of findings (``qms_portal.pdf``: fonts by language, Chinese text in its
own face through ``han_variant``)."""

from django.utils import timezone

from qms_portal.pdf import han_variant
from qms_portal.workflow import transitions_of

from ..models import Audit
from . import findings as selectors


def _state_label(value):
    try:
        return Audit.Status(value).label
    except ValueError:
        return value


def signatures_of(*records):
    """The signed transitions of ``records`` (who, when, what it means), oldest first: one query
    whatever their number (each row knows its ``record``)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    from qms_portal.models import TransitionRecord

    by_key, condition = {}, Q(pk__in=[])
    for record in records:
        content_type = ContentType.objects.get_for_model(type(record))
        by_key[content_type.pk, record.pk] = record
    for content_type_id in {key[0] for key in by_key}:
        ids = [pk for ct, pk in by_key if ct == content_type_id]
        condition |= Q(content_type_id=content_type_id, object_id__in=ids)
    signed = list(TransitionRecord.objects.filter(condition).exclude(signature_meaning="")
                  .select_related("actor").order_by("at", "pk"))
    for row in signed:
        row.record = by_key[row.content_type_id, row.object_id]
    return signed


def _audit(audit):
    return selectors.prefetch_audit(Audit.objects.filter(pk=audit.pk)).get()


def report_context(audit, user):
    """Scope, criteria, team, summary, findings by clause (those ``user`` may see), conclusion,
    signatures (the lead auditor's, given when the audit was closed)."""
    audit = _audit(audit)
    findings = list(selectors.visible_findings(user, audit).select_related("procedure").order_by("number", "pk"))
    events = list(transitions_of(audit).order_by("at", "pk"))
    for event in events:
        event.from_label, event.to_label = _state_label(event.from_state), _state_label(event.to_state)
    texts = [audit.title, audit.summary, audit.conclusion, audit.unit.name, audit.criteria_note,
             *(f.description for f in findings), *(f.evidence for f in findings)]
    return {
        "audit": audit, "findings": findings, "by_clause": selectors.findings_by_clause(findings),
        "counts": selectors.grade_counts(findings), "signatures": [e for e in events if e.signature_meaning],
        "team": [u for u in audit.team.all() if u.pk != audit.lead_auditor_id],
        "external_auditors": [n.strip() for n in audit.external_auditors.splitlines() if n.strip()],
        "han": han_variant(*texts), "printed_by": user, "printed_at": timezone.now(),
    }


def response_context(audit, user):
    """The response to the certification body: each finding with its correction, cause and actions
    and their status, the evidence list, the signatures (the lead's report, the nonconformities'
    closings)."""
    audit = _audit(audit)
    rows = selectors.response_rows(audit, user)
    ncs = [row.nonconformity for row in rows if row.nonconformity]
    texts = [audit.title, audit.unit.name, *(r.finding.description for r in rows), *(r.cause for r in rows),
             *(a.description for r in rows for a in r.all_actions)]
    done = sum(1 for r in rows if r.done)
    left = selectors.countdown(audit)
    return {
        "audit": audit, "rows": rows, "evidence": selectors.evidence_list(rows),
        "signatures": signatures_of(audit, *ncs), "done": done, "total": len(rows),
        "countdown": left, "overdue_days": -left if left is not None and left < 0 else 0, "han": han_variant(*texts),
        "printed_by": user, "printed_at": timezone.now(),
    }
