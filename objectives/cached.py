"""What the objectives area keeps in the cache, and what retires it.

Its lists keep their content (``ScopedListView.cache_generations``: per reader, scope, query
string, language, timezone and day — "overdue", "late", "missed in the period that ended last" and
the current year are matters of the day). Each list is retired by its own generation, which any
change to a row it shows or counts bumps, and by the names it shows from other models:

* ``"objectives-surveys"``: a survey (its kept counts too: an answer sheet, which arrives through a
  token page, adds to them with an ``update()`` that sends no signal, so
  ``services.surveys.survey_answer_received`` bumps it itself).
* ``"objectives-review"``: a management review, its participants, a decision (the reviews' list
  counts the open ones) and the single-object grants on either (participants, a decision's owner).
* ``"objectives-risks"``: a risk.
* ``"objectives-objectives"``: a quality objective. ``"objectives-policy"``: the document that is the
  quality policy the objectives' list links to (its code, title, date, unit, type, whether it is
  effective or withdrawn) and the document types (the policy is found by its type).
* ``"objectives-indicators"``: an indicator and its values (the list shows each one's latest value
  and status, and filters the missed ones).
* ``"objectives-timeliness"``: a month's files per procedure.
* ``"objectives-documents"``: a document's code or title (the procedures of the files per
  procedure, the processes the risks' filter offers).
* and the core's ``"units"`` and ``"people"`` (a unit's or a person's name).

``tests/objectives/test_cached_lists.py`` records what each list shows and fails when a change to
it would not retire the list.
"""

from qms_portal import fragments

SURVEYS = "objectives-surveys"
REVIEW = "objectives-review"
RISKS = "objectives-risks"
OBJECTIVES = "objectives-objectives"
POLICY = "objectives-policy"
INDICATORS = "objectives-indicators"
TIMELINESS = "objectives-timeliness"
DOCUMENTS = "objectives-documents"  # the code and title of another area's documents

SURVEY_LIST = (SURVEYS, fragments.UNITS)
REVIEW_LIST = (REVIEW, fragments.UNITS, fragments.PEOPLE)
DECISION_LIST = (REVIEW, fragments.UNITS, fragments.PEOPLE)
RISK_LIST = (RISKS, DOCUMENTS, fragments.UNITS, fragments.PEOPLE)
OBJECTIVE_LIST = (OBJECTIVES, POLICY, fragments.UNITS, fragments.PEOPLE)
INDICATOR_LIST = (INDICATORS, fragments.UNITS)
TIMELINESS_LIST = (TIMELINESS, DOCUMENTS, fragments.UNITS)

# What a document's row shows where the quality policy is linked, and what finds it (by label:
# an area imports no other area). Work on drafts saves none of these.
POLICY_FIELDS = ("code", "title", "effective_since", "unit", "doc_type", "level", "is_withdrawn",
                 "current_revision")



def forget_survey_counts():
    """A survey's kept counts changed through ``update()`` (an answer sheet arrived)."""
    fragments.bump(SURVEYS)


def track_changes():
    """Connect the generations above to the models (called once, from the app's ``ready``)."""
    track = fragments.track
    track("objectives.Survey", (SURVEYS,))
    for label in ("objectives.ManagementReview", "objectives.ManagementReview_participants",
                  "objectives.ReviewDecision", "objectives.ManagementReviewUserObjectPermission",
                  "objectives.ReviewDecisionUserObjectPermission"):
        track(label, (REVIEW,))
    track("objectives.Risk", (RISKS,))
    track("objectives.QualityObjective", (OBJECTIVES,))
    track("objectives.Indicator", (INDICATORS,))
    track("objectives.Measurement", (INDICATORS,))
    track("objectives.ProcedureTimeliness", (TIMELINESS,))
    # Another area's rows, by label.
    track("documents.Document", (DOCUMENTS,), fields=("code", "title"))
    track("documents.Document", (POLICY,), fields=POLICY_FIELDS)
    track("documents.DocumentType", (POLICY,))
