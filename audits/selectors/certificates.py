"""Reads of the certificates part: the certificate register, the surveillance audits due, and the
audits area's figures for dashboards (``areas.Figure``: each a queryset of rows the reader may see,
which the dashboard counts per unit and rolls up the unit tree) and for the figures page.

Figures (the reporting year is the calendar year of ``today``; "the past 12 months" the 365 days
up to today):

* **programme coverage**: the entries of this year's audit programmes (a unit, its processes and
  clauses, a month), *done* when an audit that carries the entry out is closed (``entries_done_q``),
  *behind* when it is of this year's programme, its month has passed and it is not done
  (``entries_behind_q``) — the programme entries' register (``programme_register``) filters by
  the same two rules, so that the dashboard's numbers and the rows they link to agree;
* **audits done vs planned**: the audits starting this year, and those of them closed;
* **findings by grade** (and by clause on the figures page): the findings of audits that started
  in the past 12 months;
* **open findings**: major and minor nonconformity findings whose nonconformity is still open, or
  that have no nonconformity yet.
"""

from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from ..models import Audit, Certificate, Finding, ProgrammeEntry, SurveillanceVisit

SOON_DAYS = 90


def certificate_register(user):
    return (Certificate.objects.restrict(user, "view").select_related("unit")
            .defer("scope", "withdrawal_reason", "unit__search_key"))


def certificate_state(certificate, today=None):
    """``"withdrawn"``, ``"expired"``, ``"expiring"`` (within 90 days) or ``"current"``."""
    today = today or timezone.localdate()
    if certificate.is_withdrawn:
        return "withdrawn"
    if certificate.expires_on < today:
        return "expired"
    if certificate.expires_on <= today + timedelta(days=SOON_DAYS):
        return "expiring"
    return "current"


def done_audit_q(prefix=""):
    return Q(**{f"{prefix}audit__status": Audit.Status.CLOSED})


def visits_due(user, today=None):
    """Surveillance audits still to carry out (no closed audit linked) of current certificates, by
    due date: the ones already late first."""
    return (SurveillanceVisit.objects.restrict(user, "view").filter(certificate__is_withdrawn=False)
            .exclude(done_audit_q()).select_related("certificate__unit", "audit")
            .defer("certificate__scope", "certificate__withdrawal_reason", "certificate__unit__search_key")
            .order_by("due_on", "pk"))


def visits_of(certificate):
    return certificate.surveillance.select_related("audit").order_by("due_on", "pk")


# --- figures ---------------------------------------------------------------------------------------
def _year(today, year=None):
    return year or (today or timezone.localdate()).year


def programme_entries(user, today=None, year=None):
    """The entries of the programmes of ``year`` (this year's by default)."""
    return ProgrammeEntry.objects.restrict(user, "view").filter(programme__year=_year(today, year))


def entries_done_q():
    """A programme entry is *done* when an audit that carries it out is closed (a condition on
    ``ProgrammeEntry`` rows)."""
    done = Audit.objects.filter(programme_entry=OuterRef("pk"), status=Audit.Status.CLOSED)
    return Exists(done)


def entries_behind_q(today=None):
    """A programme entry is *behind its month* when it belongs to this year's programme (the year of
    ``today``), its planned month is before the current one, and it is not done (``entries_done_q``).
    An entry of an earlier year that was never done is not behind: it is simply not done."""
    today = today or timezone.localdate()
    return Q(programme__year=today.year, planned_month__lt=today.month) & ~entries_done_q()


def programme_entries_done(user, today=None, year=None):
    return programme_entries(user, today, year).filter(entries_done_q())


def programme_entries_behind(user, today=None):
    """This year's entries behind their month (``entries_behind_q``)."""
    return ProgrammeEntry.objects.restrict(user, "view").filter(entries_behind_q(today))


def audits_planned(user, today=None):
    year = _year(today)
    return Audit.objects.restrict(user, "view").filter(starts_on__gte=date(year, 1, 1),
                                                       starts_on__lt=date(year + 1, 1, 1))


def audits_done(user, today=None):
    return audits_planned(user, today).filter(status=Audit.Status.CLOSED)


def internal_audits_done(user):
    """Internal audits closed (a figure of a period: the annual ISO report keeps those of its year)."""
    return Audit.objects.restrict(user, "view").filter(kind=Audit.Kind.INTERNAL, status=Audit.Status.CLOSED)


def recent_findings(user, today=None):
    today = today or timezone.localdate()
    return Finding.objects.restrict(user, "view").filter(audit__starts_on__gt=today - timedelta(days=365),
                                                         audit__starts_on__lte=today)


def findings_of_grade(user, grade, today=None):
    return recent_findings(user, today).filter(grade=grade)


def open_findings(user):
    from nonconformities.models import OPEN_STATUSES

    return (Finding.objects.restrict(user, "view").filter(grade__in=Finding.NONCONFORMITY_GRADES)
            .filter(Q(nonconformity__isnull=True) | Q(nonconformity__status__in=OPEN_STATUSES)))


def coverage_by_unit(user, today=None):
    """``[(programme unit, planned, done, behind)]`` for this year's programmes the reader may see,
    by programme unit (one GROUP BY)."""
    today = today or timezone.localdate()
    rows = (programme_entries(user, today).values("programme__unit__code", "programme__unit__name")
            .annotate(planned=Count("pk", distinct=True),
                      done=Count("pk", filter=Q(audits__status=Audit.Status.CLOSED), distinct=True))
            .order_by("programme__unit__code"))
    behind = dict(programme_entries_behind(user, today).values("programme__unit__code")
                  .annotate(n=Count("pk")).values_list("programme__unit__code", "n"))
    return [(r["programme__unit__code"], r["programme__unit__name"], r["planned"], r["done"],
             behind.get(r["programme__unit__code"], 0)) for r in rows]


def findings_by_clause(user, today=None):
    """``(grades, rows)``: per ISO clause (and "no clause", last), how many findings of each grade in
    the past 12 months — one GROUP BY, and the clauses' names in one query."""
    from documents.models import Clause

    counts = {}
    for clause, grade, n in (recent_findings(user, today).values_list("clause_id", "grade")
                             .annotate(n=Count("pk")).order_by()):
        counts.setdefault(clause, {})[grade] = n
    clauses = Clause.objects.in_bulk([pk for pk in counts if pk is not None])
    grades = Finding.Grade.choices
    rows = []
    for pk in sorted(counts, key=lambda pk: (pk is None, clauses[pk].sort_key if pk in clauses else "")):
        cells = [counts[pk].get(value, 0) for value, _label in grades]
        rows.append({"clause": clauses.get(pk), "cells": cells, "total": sum(cells)})
    return grades, rows
