"""What the steering committee's lists keep in the cache, and what retires it.

The evaluations of units, the units' evaluation sheets and the annual ISO reports keep their
content (``ScopedListView.cache_generations``: per reader, scope, query string, language and day).
They are retired by the generations below, bumped by the rows each list shows, and by the names
they show: units and people (a report's drafter). Each is written by its own services through
``save`` (signals), never by ``QuerySet.update``; the scale builder's bulk writes are followed by
``fragments.forget_all()`` (``seed_scale``). None of these models has single-object grants.
``tests/qms_portal/steering/test_cached_lists.py`` records what each list shows and fails when a
change to it would not retire the list.
"""

from .. import fragments

EVALUATIONS = "evaluations"  # any evaluation of units (the sheets show its year and organising unit)
SHEETS = "evaluation-sheets"  # a unit's sheet: its unit, evaluation or status
ANNUAL_REPORTS = "annual-reports"  # a report: its unit, year, status or drafter
EVALUATION_LIST_GENERATIONS = (EVALUATIONS, fragments.UNITS)
SHEET_LIST_GENERATIONS = (SHEETS, EVALUATIONS, fragments.UNITS)
REPORT_LIST_GENERATIONS = (ANNUAL_REPORTS, fragments.UNITS, fragments.PEOPLE)

# What the lists show of a sheet and of a report: their scores, evidence and sections, written
# again and again while they are drafted, retire no list.
SHEET_FIELDS = ("evaluation", "unit", "status")
REPORT_FIELDS = ("unit", "year", "status", "drafted_by")


def track_changes():
    """Connect the generations above to the models (called once, from the core's ``ready``)."""
    fragments.track("qms_portal.Evaluation", (EVALUATIONS,))
    fragments.track("qms_portal.UnitEvaluation", (SHEETS,), fields=SHEET_FIELDS)
    fragments.track("qms_portal.AnnualReport", (ANNUAL_REPORTS,), fields=REPORT_FIELDS)
