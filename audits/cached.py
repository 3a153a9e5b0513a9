"""What the audits area's other lists keep in the cache, and what retires it.

The plan part's audit list and programme list are retired by ``selectors.plan_cache.AUDITS`` (an
audit, its people and units, a programme, its entries and their clauses and procedures, a grant on
an audit). The lists below keep their content too (``ScopedListView.cache_generations``, per reader,
scope, query string, language and day: "behind its month", "expired", "expires soon" and "late" are
matters of the day), each retired by the generations of every kind of row it shows or counts:

* the programme entries' register: ``AUDITS`` (the entries, their programme, the audits that carry
  them out and their status: *done* and *behind*), the clauses and procedure codes it names, units;
* the findings: ``"audit-findings"`` (any finding), ``AUDITS`` (the audit's number; an auditor reads
  the findings of the audits they are on through their grant on the audit), the clauses, the number
  and status of the nonconformity a finding became (the "still open" filter reads the status too),
  units;
* the certificates: ``"audit-certificates"`` (a certificate, a surveillance visit) and units; the
  surveillance audits due would add ``AUDITS`` (a visit's audit: its number, and whether it is
  closed), ``VISIT_GENERATIONS`` (that list is not cached yet: see its view);
* the checklist templates: ``"audit-templates"`` (a template, its questions: the list counts them),
  units.

``tests/audits/test_cached_lists.py`` records what each list shows and fails when a change to it
would not retire the list.
"""

from qms_portal import fragments

from .selectors.plan_cache import AUDITS

FINDINGS = "audit-findings"
CERTIFICATES = "audit-certificates"
TEMPLATES = "audit-templates"
CLAUSES = "audit-clauses"  # the clauses' numbers (the documents area's catalogue)
PROCEDURE_CODES = "audit-procedure-codes"  # the documents' codes a programme entry names
NONCONFORMITIES = "audit-nonconformities"  # the number and status of a finding's nonconformity

ENTRY_GENERATIONS = (AUDITS, CLAUSES, PROCEDURE_CODES, fragments.UNITS)
FINDING_GENERATIONS = (FINDINGS, AUDITS, CLAUSES, NONCONFORMITIES, fragments.UNITS)
CERTIFICATE_GENERATIONS = (CERTIFICATES, fragments.UNITS)
VISIT_GENERATIONS = (CERTIFICATES, AUDITS, fragments.UNITS)
TEMPLATE_GENERATIONS = (TEMPLATES, fragments.UNITS)


def track_changes():
    """Connect the generations above to the models (called once, from the app's ``ready``)."""
    fragments.track("audits.Finding", (FINDINGS,))
    for label in ("audits.Certificate", "audits.SurveillanceVisit"):
        fragments.track(label, (CERTIFICATES,))
    for label in ("audits.ChecklistTemplate", "audits.ChecklistTemplateItem"):
        fragments.track(label, (TEMPLATES,))
    # Other areas' rows, by label (an area imports no other area).
    fragments.track("documents.Clause", (CLAUSES,))
    fragments.track("documents.Document", (PROCEDURE_CODES,), fields=("code",))
    # A nonconformity raised (or deleted), or moved to another status: the findings list shows its
    # number and status, and filters on the status ("still open"); its other fields are not shown.
    fragments.track("nonconformities.Nonconformity", (NONCONFORMITIES,), fields=("number", "status"))
