"""What the nonconformities area keeps in the cache, and what retires it.

The register and the actions list keep their content (``ScopedListView.cache_generations``, per
reader, scope, query string, language and day: "overdue" is a matter of the day). Both are retired
by the generation ``"nonconformities"``, which any change to a nonconformity, a corrective action,
the link between them, a due-date extension or a single-object grant on either bumps; and by the
names they show: units, people (an action's owner) and the ISO clauses of the register's filter.
``tests/nonconformities/test_cached_lists.py`` records what each list shows and fails when a change
to it would not retire the list.
"""

from qms_portal import fragments

NONCONFORMITIES = "nonconformities"
CLAUSES = "nc-clauses"  # the clauses the register's filter offers (the documents area's catalogue)
LIST_GENERATIONS = (NONCONFORMITIES, CLAUSES, fragments.UNITS, fragments.PEOPLE)
LIST_SECONDS = 300


def track_changes():
    """Connect the generations above to the models (called once, from the app's ``ready``)."""
    for label in ("nonconformities.Nonconformity", "nonconformities.CorrectiveAction",
                  "nonconformities.CorrectiveAction_nonconformities", "nonconformities.DueDateExtension",
                  "nonconformities.NonconformityUserObjectPermission",
                  "nonconformities.CorrectiveActionUserObjectPermission"):
        fragments.track(label, (NONCONFORMITIES,))
    fragments.track("documents.Clause", (CLAUSES,))  # by label: an area imports no other area
