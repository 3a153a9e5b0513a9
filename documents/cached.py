"""What the register and a document's page keep in the cache, and what retires it.

Generations (``qms_portal/fragments.py``):

* ``"register"``: every cached register. Bumped by a change to a document, document type, unit,
  clause, a document's clauses, and when a revision's acknowledgements are assigned (its readers
  may now see the document). Not by a revision: the register shows only current revisions, which
  change with their document. (A change to what its filters offer bumps ``"options"``.)
* ``"document:<id>"``: a document page's lists (revisions, clauses, legal basis, proposed changes,
  periodic reviews). Bumped by a change to the document, its revisions, their legal basis, its
  change requests and periodic reviews.
* ``"legal"`` (any legal document) and ``"catalogue"`` (any clause): shown on every document page.
* ``"acks:<revision id>"``: a revision's acknowledgement coverage and each reader's own
  acknowledgement. Bumped when acknowledgements are assigned or given.

A document page's body is the same for every reader, in two rendered pieces: its facts, the
effective revision and its lists (``page_piece``: the document's generations, ``"legal"``,
``"catalogue"``), and its coverage (``coverage_page_piece``: the revision's acknowledgements). Each
is rendered again from the pieces below it, which are rebuilt only when their own generations
moved; an acknowledgement renders the coverage again, not the procedure.

An effective revision's rendered body needs no generation: it never changes, and its key holds
the revision's status, the document's ``updated_at`` and the language.

Names of people and units inside cached lists follow a rename after ``*_SECONDS`` at the latest.
"""

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import get_language

from qms_portal import fragments

from .models import (
    Acknowledgement,
    ChangeRequest,
    Clause,
    Document,
    DocumentType,
    LegalDocument,
    PeriodicReview,
    Revision,
)

REGISTER_GENERATION = "register"
REGISTER_SECONDS = 600
DOCUMENT_SECONDS = 600
COVERAGE_SECONDS = 300
PAGE_SECONDS = 300
BODY_SECONDS = 3600


def document_generation(document_id):
    return f"document:{document_id}"


def acks_generation(revision_id):
    return f"acks:{revision_id}"


def forget_acknowledgements(revision_id, assigned=False):
    """A revision's acknowledgements were given (or, with ``assigned``, created: new readers)."""
    fragments.bump(acks_generation(revision_id), *([REGISTER_GENERATION] if assigned else []))


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
    return fragments.Piece(key, (document_generation(document.pk), "legal", "catalogue"), build, DOCUMENT_SECONDS)


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
    return fragments.Piece(key, (acks_generation(revision.pk),), build, COVERAGE_SECONDS)


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
    return fragments.Piece(key, (document_generation(document.pk), "legal", "catalogue"), build, PAGE_SECONDS)


def coverage_page_piece(revision, coverage_all, build):
    """The coverage section of a document page, rendered: every unit or the first ones. Kept apart
    from the rest of the page, which an acknowledgement leaves as it is."""
    key = fragments.entry_key("coverage-page", revision.pk, coverage_all, get_language())
    return fragments.Piece(key, (acks_generation(revision.pk),), build, COVERAGE_SECONDS)


def body_piece(revision, document, build):
    """The rendered text, steps, flow and signatures of an effective revision, per language: they
    never change, but the document's own fields (its legal time limit) are part of the steps."""
    key = fragments.entry_key("revision-body", revision.pk, revision.status, document.updated_at.isoformat(),
                              get_language())
    return fragments.Piece(key, (), build, BODY_SECONDS)


def _of_document(attribute):
    return lambda row: [document_generation(getattr(row, attribute))]


def _clauses_changed(row):
    # ``document.clauses.add(…)`` sends the document; ``clause.document_set.add(…)`` the clause.
    if isinstance(row, Document):
        return [REGISTER_GENERATION, document_generation(row.pk)]
    return [REGISTER_GENERATION, "catalogue"]


def _legal_basis_changed(row):
    if isinstance(row, Revision):
        return [document_generation(row.document_id)]
    return ["legal"]


def track_changes():
    """Connect the generations above to the models (called once, from the app's ``ready``)."""
    from qms_portal.widgets import option_source

    option_source(DocumentType._meta.label)
    option_source(Clause._meta.label)
    track = fragments.track
    track(Document._meta.label, lambda d: [REGISTER_GENERATION, document_generation(d.pk)])
    # The register shows a revision only as its document's current one, which is immutable: a
    # revision becomes or stops being current (published, withdrawn) with a save of its document.
    # Work on drafts and reviews, all day long in a province, leaves every register cached.
    track(Revision._meta.label, lambda r: [document_generation(r.document_id)])
    track(DocumentType._meta.label, (REGISTER_GENERATION,))
    track("qms_portal.Unit", (REGISTER_GENERATION,))
    track(Clause._meta.label, (REGISTER_GENERATION, "catalogue"))
    track(Document.clauses.through._meta.label, _clauses_changed)
    track(Revision.legal_refs.through._meta.label, _legal_basis_changed)
    track(LegalDocument._meta.label, ("legal",))
    track(ChangeRequest._meta.label, _of_document("document_id"))
    track(PeriodicReview._meta.label, _of_document("document_id"))
    # Documents have no single-object grants (``grant_model(Document)``): a named reviewer's grant
    # on a revision changes no register. Were a table added, a grant in it would retire them all.
    from qms_portal.permissions import grant_model

    document_grants = grant_model(Document)
    if document_grants is not None:
        track(document_grants._meta.label, (REGISTER_GENERATION,))
