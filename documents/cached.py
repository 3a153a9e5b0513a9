"""What the register and a document's page keep in the cache, and what retires it.

Generations (``qms_portal/fragments.py``), each bumped by the rows named:

* ``"register"``: a document, a document's clauses, a revision the register can show (effective
  or past: drafts and reviews, worked on all day long in a province, retire no register), and
  acknowledgements assigned (a distributed document joins its readers' registers).
* ``"document:<id>"``: the document, its revisions, their legal basis, its clauses, change
  requests and periodic reviews.
* ``"revision:<id>"``: the revision and its steps.
* ``"legal"`` (any legal document), ``"catalogue"`` (any clause), ``"document-types"`` (any
  type), ``"document-codes"`` (a document's code: the forms a procedure's steps name), and the
  core's ``"units"``, ``"people"`` (a name) and ``"roles"``.
* ``"acks:<revision id>"``: a revision's acknowledgements, assigned or given.
* ``"acknowledgements"``: any acknowledgement, assigned or given (the register of
  acknowledgements: ``ACKNOWLEDGEMENT_LIST_GENERATIONS``, which also depends on ``"register"``, the
  effective documents and their current revisions, and on the people's and units' names).
* ``"numbering"``: a unit's numbering settings (the numbering list, with the ``"units"``). The
  core's number sequences (``qms_portal/numbering.py``) are not shown there.
* ``"announcements"``: any announcement of conformity or document it covers. The register of
  announcements (``ANNOUNCEMENT_REGISTER_GENERATIONS``) also depends on ``"register"`` (a document
  joining or leaving a unit's scope, a revision's effective date) and ``"units"``; its status
  turns on the day, which is in every cached piece's key.

Each piece depends on the generations of every kind of row it shows: a rename of a unit, a type or
a process owner shows at once on the register and the document page.
``tests/documents/test_cache_tracking.py`` records the fields each piece shows while it is built
and fails when a change to one would not retire it.

A document page's body is the same for every reader, in two rendered pieces: its facts, the
effective revision and its lists (``page_piece``), and its coverage (``coverage_page_piece``: the
revision's acknowledgements). Each is rendered again from the pieces below it, which are rebuilt
only when their own generations moved; an acknowledgement renders the coverage again, not the
procedure. An effective revision's rendered body (``body_piece``) changes only with its own rows,
the names it shows and its document's own fields (their ``updated_at`` is in its key).
"""

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import get_language

from qms_portal import fragments

from .models import (
    OPEN_REVISION_STATUSES,
    Acknowledgement,
    Announcement,
    AnnouncementItem,
    ChangeRequest,
    Clause,
    Document,
    DocumentType,
    LegalDocument,
    PeriodicReview,
    ProcedureStep,
    RegisterSettings,
    Revision,
)

REGISTER_GENERATION = "register"
DOCUMENT_TYPES = "document-types"
DOCUMENT_CODES = "document-codes"
LEGAL = "legal"
CATALOGUE = "catalogue"
# What the register shows besides its documents: their units and types, and in its filters the
# units, types and clauses.
REGISTER_GENERATIONS = (REGISTER_GENERATION, fragments.UNITS, DOCUMENT_TYPES, CATALOGUE)
ANNOUNCEMENTS = "announcements"
ANNOUNCEMENT_REGISTER_GENERATIONS = (REGISTER_GENERATION, ANNOUNCEMENTS, fragments.UNITS)
# The register of acknowledgements: who was asked to read each effective document's current
# revision (``"register"``: documents, their revisions), who (people) in which unit, and when.
ACKNOWLEDGEMENTS = "acknowledgements"
ACKNOWLEDGEMENT_LIST_GENERATIONS = (ACKNOWLEDGEMENTS, REGISTER_GENERATION, fragments.UNITS, fragments.PEOPLE)
# The units whose numbering a document controller sets, with their prefix and pattern.
NUMBERING = "numbering"
NUMBERING_LIST_GENERATIONS = (NUMBERING, fragments.UNITS)
REGISTER_SECONDS = 600
DOCUMENT_SECONDS = 600
COVERAGE_SECONDS = 300
PAGE_SECONDS = 300
BODY_SECONDS = 3600


def document_generation(document_id):
    return f"document:{document_id}"


def revision_generation(revision_id):
    return f"revision:{revision_id}"


def acks_generation(revision_id):
    return f"acks:{revision_id}"


def forget_acknowledgements(revision_id, assigned=False):
    """A revision's acknowledgements were given (or, with ``assigned``, created in bulk: new
    readers, which ``bulk_create`` announces to no signal)."""
    fragments.bump(acks_generation(revision_id), ACKNOWLEDGEMENTS, *([REGISTER_GENERATION] if assigned else []))


def lists_piece(document):
    """The lists of a document's page, as plain lists of rows."""
    current = document.current_revision

    def build():
        return {
            "revisions": list(document.revisions.defer(*Revision.BULKY).order_by("-number")),
            "clauses": list(document.clauses.all()),
            "legal_refs": list(current.legal_refs.all()) if current is not None else [],
            "change_requests": list(document.change_requests.select_related("requester")[:10]),
            "periodic_reviews": list(document.periodic_reviews.select_related("reviewed_by")[:5]),
        }

    key = fragments.entry_key("document", document.pk, document.current_revision_id)
    generations = (document_generation(document.pk), LEGAL, CATALOGUE, fragments.PEOPLE)
    return fragments.Piece(key, generations, build, DOCUMENT_SECONDS)


def coverage_piece(revision):
    """Per unit: how many people must read the revision, and how many have acknowledged it, as a
    list of ``{"unit__code", "unit__name", "total", "done"}``, in unit order. A revision read
    across a province has thousands of recipients: the counts are kept until an acknowledgement is
    assigned or given."""

    def build():
        return list(
            Acknowledgement.objects.filter(revision=revision)
            .values("unit__code", "unit__name")
            .annotate(total=Count("pk"), done=Count("pk", filter=Q(acknowledged_at__isnull=False)))
            .order_by("unit__code")
        )

    key = fragments.entry_key("coverage", revision.pk)
    return fragments.Piece(key, (acks_generation(revision.pk), fragments.UNITS), build, COVERAGE_SECONDS)


def coverage(revision):
    return fragments.cached_many({"coverage": coverage_piece(revision)})["coverage"]


def my_acknowledgement_piece(revision, user):
    """``[user's acknowledgement of revision, or None]`` (a list: None alone would mean "missing")."""

    def build():
        return [Acknowledgement.objects.filter(revision=revision, user=user).first()]

    key = fragments.entry_key("my-ack", revision.pk, user.pk)
    return fragments.Piece(key, (acks_generation(revision.pk),), build, COVERAGE_SECONDS)


def page_piece(document, links, build):
    """A document page's facts, effective revision and lists, rendered (``{"facts", "lists",
    "open_revision"}``), per language and day (the "review due" mark), and per ``links``: which
    of its revisions and proposed changes the reader may open (a reader the document was only
    distributed to sees them listed, not linked, and the current revision's text only while it is
    the effective one they received: ``current_link``)."""
    key = fragments.entry_key("document-page", document.pk, document.current_revision_id, sorted(links.items()),
                              get_language(), timezone.localdate().isoformat())
    generations = [document_generation(document.pk), LEGAL, CATALOGUE, DOCUMENT_TYPES, fragments.UNITS,
                   fragments.PEOPLE]
    if document.current_revision_id is not None:  # its body is part of the page
        generations += [revision_generation(document.current_revision_id), fragments.ROLES, DOCUMENT_CODES]
    return fragments.Piece(key, generations, build, PAGE_SECONDS)


def coverage_page_piece(revision, coverage_all, build):
    """The coverage section of a document page, rendered: every unit or the first ones. Kept apart
    from the rest of the page, which an acknowledgement leaves as it is."""
    key = fragments.entry_key("coverage-page", revision.pk, coverage_all, get_language())
    return fragments.Piece(key, (acks_generation(revision.pk), fragments.UNITS), build, COVERAGE_SECONDS)


def body_piece(revision, document, build):
    """The rendered text, steps, flow and signatures of an effective revision, per language: they
    change with the revision's own rows, the units, roles and forms its steps name, and the
    document's own fields (its legal time limit, compared with the steps: in the key)."""
    key = fragments.entry_key("revision-body", revision.pk, revision.status, document.updated_at.isoformat(),
                              get_language())
    generations = (revision_generation(revision.pk), fragments.UNITS, fragments.ROLES, DOCUMENT_CODES)
    return fragments.Piece(key, generations, build, BODY_SECONDS)


def _of_document(attribute):
    return lambda row: [document_generation(getattr(row, attribute))]


def _clauses_changed(row):
    # ``document.clauses.add(…)`` sends the document; ``clause.document_set.add(…)`` the clause.
    if isinstance(row, Document):
        return [REGISTER_GENERATION, document_generation(row.pk)]
    return [REGISTER_GENERATION, CATALOGUE]


def _legal_basis_changed(row):
    if isinstance(row, Revision):
        return [document_generation(row.document_id)]
    return [LEGAL]


def _revision_changed(revision):
    names = [document_generation(revision.document_id), revision_generation(revision.pk)]
    # The register shows a document's current revision (effective; or a past one, the document
    # withdrawn). Work on drafts and reviews, all day long in a province, leaves every register
    # cached: a draft becomes current with a save of its document, which bumps the register too.
    if revision.status not in OPEN_REVISION_STATUSES:
        names.append(REGISTER_GENERATION)
    return names


def track_changes():
    """Connect the generations above to the models (called once, from the app's ``ready``)."""
    track = fragments.track
    track(Document._meta.label, lambda d: [REGISTER_GENERATION, document_generation(d.pk)])
    track(Document._meta.label, (DOCUMENT_CODES,), fields=("code",))
    track(Revision._meta.label, _revision_changed)
    track(ProcedureStep._meta.label, lambda s: [revision_generation(s.revision_id)])
    track(DocumentType._meta.label, (DOCUMENT_TYPES,))
    track(Clause._meta.label, (CATALOGUE,))
    track(Document.clauses.through._meta.label, _clauses_changed)
    track(Revision.legal_refs.through._meta.label, _legal_basis_changed)
    track(LegalDocument._meta.label, (LEGAL,))
    track(Announcement._meta.label, (ANNOUNCEMENTS,))
    track(AnnouncementItem._meta.label, (ANNOUNCEMENTS,))
    track(ChangeRequest._meta.label, _of_document("document_id"))
    track(PeriodicReview._meta.label, _of_document("document_id"))
    # Given one by one (``revision_acknowledge`` bumps it too; assigned in bulk: ``forget_acknowledgements``).
    track(Acknowledgement._meta.label, lambda a: [acks_generation(a.revision_id), ACKNOWLEDGEMENTS])
    track(RegisterSettings._meta.label, (NUMBERING,))
    # Documents have no single-object grants (``grant_model(Document)``): a named reviewer's grant
    # on a revision changes no register. Were a table added, a grant in it would retire them all.
    from qms_portal.permissions import grant_model

    document_grants = grant_model(Document)
    if document_grants is not None:
        track(document_grants._meta.label, (REGISTER_GENERATION,))
