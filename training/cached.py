"""What the training area's lists keep in the cache, and what retires them.

The lists of competences, courses, sessions, requirements, qualifications, effectiveness checks,
plans, plan items and the register of training on revisions keep their content
(``ScopedListView.cache_generations``: per reader, scope, query string, language, time zone and
day — "expiring", "late" and "overdue" are matters of the day). Each is retired by the generations
of every kind of row it shows or counts:

* ``"training-catalogue"``: a competence or a course (names, codes, validity, a course's revision);
* ``"training-sessions"``: a session or a participant (the counts of invited and present, people
  trained, "trained" on a revision, the checks' participants). Invitations are written in bulk
  (``services/sessions_invitations.py``): that service bumps it itself;
* ``"training-competence"``: a competence requirement or a qualification;
* ``"training-checks"``: an effectiveness check;
* ``"training-plans"``: a plan, a plan item or the sessions linked to an item;
* ``"training-revisions"``: the documents area's rows the register of training on revisions lists,
  tracked by label (an area imports no other area): an acknowledgement assigned or removed (not one
  given: the register does not show it), a revision entering or leaving the effective state (work
  on drafts retires nothing) and a document's code, title or unit. The documents area assigns
  acknowledgements in bulk (``acknowledgements_assign``, no signal) and then bumps its own
  generation ``"register"`` (``documents/cached.py``, ``forget_acknowledgements``): the register
  names that generation too (``DOCUMENTS_REGISTER``);
* and the core's ``"units"``, ``"people"`` (a name), ``"people-list"`` (a person's unit, whether
  they are active, their search key: the qualifications' unit and the searches on people) and
  ``"roles"`` (a requirement's role).

The area has no single-object grant tables (its wider readers come from ``scope_extra``: a
person's own qualifications, the sessions naming them as trainer, from rows tracked above); a
grant table added later would retire every list (``track_changes``).
``tests/training/test_cached_lists.py`` records what each list shows and fails when a change to it
would not retire the list.
"""

from qms_portal import fragments

CATALOGUE = "training-catalogue"
SESSIONS = "training-sessions"
COMPETENCE = "training-competence"
CHECKS = "training-checks"
PLANS = "training-plans"
REVISIONS = "training-revisions"
# The documents area's register generation (``documents/cached.py``: ``REGISTER_GENERATION``), which
# it bumps after assigning acknowledgements in bulk: named, not imported.
DOCUMENTS_REGISTER = "register"

COMPETENCE_LIST = (CATALOGUE,)
COURSE_LIST = (CATALOGUE, SESSIONS)  # each course's number of sessions
SESSION_LIST = (SESSIONS, CATALOGUE, fragments.UNITS, fragments.PEOPLE)
REQUIREMENT_LIST = (COMPETENCE, CATALOGUE, fragments.UNITS, fragments.ROLES)
QUALIFICATION_LIST = (COMPETENCE, CATALOGUE, fragments.UNITS, fragments.PEOPLE, fragments.PEOPLE_LIST)
CHECK_LIST = (CHECKS, SESSIONS, CATALOGUE, fragments.UNITS, fragments.PEOPLE, fragments.PEOPLE_LIST)
PLAN_LIST = (PLANS, SESSIONS, fragments.UNITS, fragments.PEOPLE)  # (its template asks the reader's rights)
PLAN_ITEM_LIST = (PLANS, SESSIONS, CATALOGUE, fragments.UNITS)
REVISION_TRAINING_LIST = (REVISIONS, DOCUMENTS_REGISTER, SESSIONS, CATALOGUE, fragments.UNITS, fragments.PEOPLE,
                          fragments.PEOPLE_LIST)


def forget_sessions():
    """Participants were written in bulk (no signal): the lists that count them are stale."""
    fragments.bump(SESSIONS)


def _effective_or_past(revision):
    # The register lists effective revisions only; a revision becoming effective, or leaving that
    # state (superseded, withdrawn), is no longer open. Drafts, reviews and approvals retire nothing.
    return () if revision.is_open else (REVISIONS,)


def track_changes():
    """Connect the generations above to the models (called once, from the app's ``ready``)."""
    track = fragments.track
    for label in ("training.Competence", "training.Course"):
        track(label, (CATALOGUE,))
    for label in ("training.Session", "training.Participant"):
        track(label, (SESSIONS,))
    for label in ("training.CompetenceRequirement", "training.Qualification"):
        track(label, (COMPETENCE,))
    track("training.EffectivenessCheck", (CHECKS,))
    for label in ("training.TrainingPlan", "training.PlanItem", "training.PlanItem_sessions"):
        track(label, (PLANS,))
    # The documents area's rows, by label. An acknowledgement given (``acknowledged_at``) changes
    # nothing the register shows: only the fields below (or a row added or removed) retire it.
    track("documents.Acknowledgement", (REVISIONS,), fields=("revision", "user", "unit", "created_at"))
    track("documents.Revision", _effective_or_past)
    track("documents.Document", (REVISIONS,), fields=("code", "title", "unit", "search_key"))
    # The area's models have no single-object grant tables today; were one added, a grant in it
    # would change who sees which rows, and retire the lists that show them.
    from django.apps import apps

    from qms_portal.permissions import grant_model

    for model in apps.get_app_config("training").get_models():
        grants = grant_model(model)
        if grants is not None:
            track(grants._meta.label, (CATALOGUE, SESSIONS, COMPETENCE, CHECKS, PLANS))
