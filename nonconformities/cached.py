"""What the nonconformities area keeps in the cache, and what retires it.

The register and the actions list keep their content (``ScopedListView.cache_generations``, per
reader, scope, query string, language and day: "overdue" is a matter of the day). Both are retired
by the generation ``"nonconformities"``, which any change to a nonconformity, a corrective action,
the link between them, a due-date extension or a single-object grant on either bumps; and by the
names they show: units, people (an action's owner) and the ISO clauses of the register's filter.
``tests/nonconformities/test_cached_lists.py`` records what each list shows and fails when a change
to it would not retire the list.

The desk's three lists keep their content too, each retired by its own generation and the names it
shows (``tests/nonconformities/test_cached_desk_lists.py``):

* the nonconforming outputs: ``"nc-outputs"`` (an output; a nonconformity raised from one, which the
  list marks), the procedures (a document's code; the procedure filter offers the reader's
  procedures with a legal time limit) and units. "Working days late" turns on the day, in the key;
* the citizen feedback: ``"nc-feedback"`` (any feedback, a citizen's through the desk's token page
  included: it is saved, not written in bulk) and units. "Overdue" turns on the day;
* the feedback links handed out for files: ``"nc-case-requests"`` (a request; its link, whose use
  marks the file rated), the procedures, units and people (who handed it out). A link expires at
  the hour it was made, days later: the list is kept a minute (``CASE_SECONDS``), so that "expired"
  shows within a minute of it.
"""

from qms_portal import fragments

NONCONFORMITIES = "nonconformities"
CLAUSES = "nc-clauses"  # the clauses the register's filter offers (the documents area's catalogue)
LIST_GENERATIONS = (NONCONFORMITIES, CLAUSES, fragments.UNITS, fragments.PEOPLE)

OUTPUTS = "nc-outputs"
FEEDBACK = "nc-feedback"
CASE_REQUESTS = "nc-case-requests"
PROCEDURES = "nc-desk-procedures"  # the documents a desk list names or offers in its procedure filter
OUTPUT_GENERATIONS = (OUTPUTS, PROCEDURES, fragments.UNITS)
FEEDBACK_GENERATIONS = (FEEDBACK, fragments.UNITS)
CASE_GENERATIONS = (CASE_REQUESTS, PROCEDURES, fragments.UNITS, fragments.PEOPLE)
CASE_SECONDS = 60
# What a procedure shows (its code and title) and what decides whether the procedure filter offers
# it: a legal time limit, its unit (the reader's scope), a revision made effective (distributed to
# its readers, who may then see it wherever they work: ``Document.scope_extra``).
PROCEDURE_FIELDS = ("code", "title", "legal_time_limit_days", "unit", "current_revision")


def _raised_from_output(nonconformity):
    """A nonconformity raised from a nonconforming output: the outputs list marks it."""
    from django.contrib.contenttypes.models import ContentType

    from .models import NonconformingOutput

    if nonconformity.source_type_id is None:
        return []
    output_type = ContentType.objects.get_for_model(NonconformingOutput)
    return [OUTPUTS] if nonconformity.source_type_id == output_type.pk else []


def _case_link(link):
    """A file's feedback link (made, used, revoked): the list of links handed out shows it."""
    from .services.desk_feedback import CASE_PURPOSE

    return [CASE_REQUESTS] if link.purpose == CASE_PURPOSE else []


def track_changes():
    """Connect the generations above to the models (called once, from the app's ``ready``)."""
    for label in ("nonconformities.Nonconformity", "nonconformities.CorrectiveAction",
                  "nonconformities.CorrectiveAction_nonconformities", "nonconformities.DueDateExtension",
                  "nonconformities.NonconformityUserObjectPermission",
                  "nonconformities.CorrectiveActionUserObjectPermission"):
        fragments.track(label, (NONCONFORMITIES,))
    fragments.track("documents.Clause", (CLAUSES,))  # by label: an area imports no other area
    # desk
    fragments.track("nonconformities.NonconformingOutput", (OUTPUTS,))
    fragments.track("nonconformities.Nonconformity", _raised_from_output)
    fragments.track("nonconformities.CitizenFeedback", (FEEDBACK,))
    fragments.track("nonconformities.CaseFeedbackRequest", (CASE_REQUESTS,))
    fragments.track("qms_portal.PublicLink", _case_link)
    fragments.track("documents.Document", (PROCEDURES,), fields=PROCEDURE_FIELDS)
