"""Reads of findings: an audit's findings as its reader may see them, the findings about a unit,
the report's findings by clause, and the response to the certification body (each finding's
correction, cause and actions, read from its nonconformity)."""

from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Prefetch
from django.utils import timezone

from nonconformities.models import CorrectiveAction, Nonconformity

from ..models import Finding

LIST_RELATED = ("audit", "unit", "clause", "nonconformity", "improvement_action", "improvement_action__owner")
GRADE_ORDER = [value for value, _label in Finding.Grade.choices]


def visible_findings(user, audit=None):
    """The findings ``user`` may see (of ``audit``), with what a list shows: one query."""
    rows = Finding.objects.restrict(user, "view").select_related(*LIST_RELATED)
    if audit is not None:
        rows = rows.filter(audit=audit)
    return rows


def grade_counts(findings):
    """``[(grade value, label, count)]`` in the grades' order, for the grades present."""
    counts = {}
    for finding in findings:
        counts[finding.grade] = counts.get(finding.grade, 0) + 1
    return [(value, label, counts[value]) for value, label in Finding.Grade.choices if counts.get(value)]


def missing_nonconformities(audit):
    """The audit's major and minor findings not yet turned into nonconformity records (all of them,
    whoever reads: the close needs none left)."""
    return audit.findings.filter(grade__in=Finding.NONCONFORMITY_GRADES, nonconformity__isnull=True)


def answers_without_finding(audit):
    """The checklist answers marked "nonconformity" or "observation" that no finding records yet (on
    the audit's page, each with its link to record the finding), in checklist order."""
    from ..models import ChecklistItem

    return ChecklistItem.objects.filter(
        audit=audit, answer__in=[ChecklistItem.Answer.NONCONFORMITY, ChecklistItem.Answer.OBSERVATION],
        findings__isnull=True).select_related("clause").only(
        "pk", "audit_id", "position", "question", "answer", "clause__number")


def _clause_key(finding):
    return finding.clause.sort_key if finding.clause_id else "~"


def findings_by_clause(findings):
    """``[(clause or None, [findings])]`` in the clauses' order (findings without a clause last)."""
    rows = sorted(findings, key=lambda f: (_clause_key(f), GRADE_ORDER.index(f.grade), f.number))
    return [(group[0].clause, group) for _key, items in groupby(rows, key=_clause_key)
            for group in [list(items)]]


@dataclass
class ResponseRow:
    """One finding of an external audit and where its answer stands."""

    finding: Finding
    nonconformity: Nonconformity | None = None
    corrections: list = field(default_factory=list)
    actions: list = field(default_factory=list)  # corrective, preventive, improvement

    @property
    def cause(self):
        return self.nonconformity.root_cause if self.nonconformity else ""

    @property
    def all_actions(self):
        return [*self.corrections, *self.actions]

    @property
    def done(self):
        """Answered: its nonconformity closed, or (an observation) its improvement action done."""
        if self.finding.is_nonconformity:
            return self.nonconformity is not None and self.nonconformity.status == Nonconformity.Status.CLOSED
        if self.finding.improvement_action_id:
            return self.finding.improvement_action.status == CorrectiveAction.Status.DONE
        return False


def response_rows(audit, user):
    """The findings ``user`` may see of an external audit, each with its nonconformity's correction,
    cause and actions (or an observation's improvement action): a fixed number of queries."""
    findings = list(visible_findings(user, audit).order_by("number", "pk"))
    ncs = [f.nonconformity_id for f in findings if f.nonconformity_id]
    actions = {}
    if ncs:
        through = CorrectiveAction.nonconformities.through
        links = through.objects.filter(nonconformity_id__in=ncs).select_related("correctiveaction",
                                                                                 "correctiveaction__owner")
        for link in links.order_by("correctiveaction__due", "correctiveaction_id"):
            actions.setdefault(link.nonconformity_id, []).append(link.correctiveaction)
    rows = []
    for finding in findings:
        row = ResponseRow(finding=finding, nonconformity=finding.nonconformity)
        for action in actions.get(finding.nonconformity_id, []):
            (row.corrections if action.kind == CorrectiveAction.Kind.CORRECTION else row.actions).append(action)
        if finding.improvement_action_id:
            row.actions.append(finding.improvement_action)
        rows.append(row)
    return rows


def countdown(audit, today=None):
    """Days left until the response is due (negative: overdue), or None without a date."""
    if audit.response_due is None:
        return None
    return (audit.response_due - (today or timezone.localdate())).days


def evidence_list(rows):
    """The evidence files of the response: the findings' photos and the actions' evidence, as
    ``[(record, attachment)]`` — two queries whatever the number of findings and actions."""
    from django.contrib.contenttypes.models import ContentType

    from qms_portal.models import Attachment

    findings = {row.finding.pk: row.finding for row in rows}
    actions = {a.pk: a for row in rows for a in row.all_actions}
    ncs = {row.nonconformity.pk: row.nonconformity for row in rows if row.nonconformity}
    out = []
    for model, records in ((Finding, findings), (Nonconformity, ncs), (CorrectiveAction, actions)):
        if not records:
            continue
        files = Attachment.objects.filter(content_type=ContentType.objects.get_for_model(model),
                                          object_id__in=list(records), withdrawn_at__isnull=True
                                          ).order_by("object_id", "created_at", "pk")
        out += [(records[a.object_id], a) for a in files]
    return out


def prefetch_audit(queryset):
    return queryset.select_related("unit", "lead_auditor").prefetch_related(
        "team", "scope_units", "clauses", Prefetch("processes"))
