"""The documents area's rows of the access matrix (``tests/qms_portal/test_access_matrix.py``):
who may open each page, in and out of scope, for every identity of the matrix.

Objects, placed on the unit the matrix asks for (ward1 in scope, division out of scope, the district
itself for the identity that holds its roles without sub-units): a procedure titled after its unit,
distributed to that unit, whose rev. 01 (with a source file) was superseded by the effective rev. 02;
the open draft of rev. 03; an open change request. The matrix's ``grantee`` is the named reviewer of
the in-scope draft (a single-object grant through ``revision_set_reviewers``). The legal document
is global. The numbering pages are about a unit: the core's own "unit" object of the matrix.

Receiving a document (an acknowledgement of one of its revisions: the matrix's ``reader`` lives on
ward1 with no role, and receives the documents distributed there) opens the kinds in ``RECEIVED``
and nothing else: the document and its effective revision, never a superseded one, a draft or a
proposed change (``documents/models.py``, ``scope_extra``).
"""

from documents import services
from documents.models import Acknowledgement, Document, ReviewerAssignment
from tests import factories
from tests.documents.factories import document_in, draft_of, legal, small_pdf
from tests.factories import PASSWORD
from tests.viewtests import Listing, P

VIEW_DOC = "documents.view_document"
VIEW_REV = "documents.view_revision"
VIEW_CR = "documents.view_changerequest"
DECIDE = "documents.decide_changerequest"
NUMBERING = "documents.change_registersettings"
VIEW_ANN = "documents.view_announcement"
VIEW_ACK = "documents.view_acknowledgement"
# A revision's pages, checked with the effective revision and again with the one it superseded.
SUPERSEDED = ("superseded",)

ROWS = {
    "documents:register": P(VIEW_DOC),
    "documents:document_create": P("documents.add_document"),
    "documents:master_list": P("documents.export_document"),
    "documents:document_detail": P(VIEW_DOC, "document"),
    "documents:document_edit": P("documents.change_document", "document"),
    "documents:document_history": P(VIEW_DOC, "document"),
    "documents:document_new_revision": P("documents.add_revision", "document", post_only=True),
    "documents:document_distribution": P("documents.change_document", "document"),
    "documents:document_distribution_remove": P("documents.change_document", "document", post_only=True),
    "documents:document_periodic_review": P("documents.review_document", "document"),
    "documents:document_acknowledge": P(VIEW_DOC, "document", post_only=True),
    "documents:changerequest_create": P(VIEW_DOC, "document"),
    "documents:revision_detail": P(VIEW_REV, "revision", also=("superseded", "draft")),
    "documents:revision_edit": P("documents.change_revision", "draft"),
    "documents:revision_reviewers": P("documents.change_revision", "draft"),
    "documents:revision_steps_total": P("documents.change_revision", "draft"),
    "documents:revision_history": P(VIEW_REV, "revision", also=SUPERSEDED),
    # ?with= the revision before it (the draft with the effective one, the effective one with the
    # superseded one), or the other way round: both must be within reach
    "documents:revision_compare": P(VIEW_REV, "draft", also=("revision", "superseded"),
                                    beside={"draft": "revision", "revision": "superseded", "superseded": "revision"}),
    "documents:revision_source": P(VIEW_REV, "revision", also=SUPERSEDED),
    # effective or superseded: the progress page, rendering queued
    "documents:revision_pdf": P(VIEW_REV, "revision", also=SUPERSEDED),
    "documents:revision_pdf_status": P(VIEW_REV, "revision", also=SUPERSEDED),
    # publish, supersede and cancel are done by the portal itself: 404 (tests/documents/test_workflow.py)
    "documents:revision_transition": P(VIEW_REV, "draft", variants={
        "submit": "documents.submit_revision",
        "accept": "documents.review_revision",
        "request_changes": "documents.review_revision",
        "approve": "documents.approve_revision",
        "withdraw": "documents.withdraw_document",
    }),
    "documents:changerequest_detail": P(VIEW_CR, "changerequest"),
    "documents:changerequest_history": P(VIEW_CR, "changerequest"),
    "documents:changerequest_transition": P(VIEW_CR, "changerequest", variants={"accept": DECIDE,
                                                                                 "decline": DECIDE}),
    "documents:legal_list": P("documents.view_legaldocument"),
    "documents:legal_create": P("documents.add_legaldocument"),
    "documents:legal_detail": P("documents.view_legaldocument", "legal", scoped=False),
    "documents:legal_edit": P("documents.change_legaldocument", "legal", scoped=False),
    "documents:legal_history": P("documents.view_legaldocument", "legal", scoped=False),
    # the announcement of conformity (a draft on the unit, its document effective)
    "documents:announcement_register": P(VIEW_ANN),
    "documents:announcement_create": P("documents.add_announcement"),
    "documents:announcement_detail": P(VIEW_ANN, "announcement"),
    "documents:announcement_edit": P("documents.change_announcement", "announcement"),
    "documents:announcement_history": P(VIEW_ANN, "announcement"),
    "documents:announcement_pdf": P(VIEW_ANN, "announcement"),
    "documents:announcement_transition": P(VIEW_ANN, "announcement",
                                           variants={"announce": "documents.announce_announcement"}),
    # the register of acknowledgements: who read what, person by person (not every reader's)
    "documents:acknowledgement_list": P(VIEW_ACK),
    # the numbering page of a unit (the matrix's own unit: ward1 in scope, division out of scope)
    "documents:numbering": P(NUMBERING),
    "documents:numbering_edit": P(NUMBERING, "unit"),
    "documents:numbering_history": P(NUMBERING, "unit"),
}

POST_DATA = {
    "documents:document_new_revision": {"reason": "Cập nhật"},
}

# What receiving a document opens: kind → the permission it gives on that object (see the docstring).
RECEIVED = {"document": VIEW_DOC, "revision": VIEW_REV}

# The list pages: which kind of object each lists, under which permission, and how a listed object
# shows in the page (its link; the master list as CSV, by title). Each list is checked for the
# objects in and out of every identity's reach.
LISTS = {
    "documents:register": Listing("document", VIEW_DOC, lambda d: f'href="{d.get_absolute_url()}"'),
    "documents:master_list": Listing("document", VIEW_DOC, lambda d: f"{d.code},{d.title},", kwargs={"fmt": "csv"},
                                     job=True),
    # one row per unit that owns an effective document (every unit of the matrix owns one)
    "documents:announcement_register": Listing("unit", VIEW_ANN, lambda u: f'data-unit="{u.code}"'),
    "documents:numbering": Listing("unit", NUMBERING, lambda u: f'href="/documents/numbering/{u.pk}/"'),
    # the acknowledgements asked by the effective revision (distributed to its unit), never those
    # of the revision it superseded; a reader who only received the document sees none (403)
    "documents:acknowledgement_list": Listing("revision", VIEW_ACK, lambda r: f'data-revision="{r.pk}"'),
}


def _name_reviewer(revision, person, author):
    """The grants ``revision_set_reviewers`` gives a named reviewer (see and review this revision),
    given here to someone who holds no role at all: the service only accepts reviewers from the
    unit's chain, who hold roles too, and the matrix needs an identity holding nothing but
    single-object grants."""
    from qms_portal import permissions
    from qms_portal.services import save_tracked

    save_tracked(ReviewerAssignment(revision=revision, reviewer=person), author)
    permissions.grant(person, "view", revision)
    permissions.grant(person, "documents.review_revision", revision)


def make_objects(tree, unit, grantee=None):
    """The objects of the rows above, placed on ``unit``; ``grantee`` (the in-scope objects only)
    is named reviewer of the draft."""
    from django.utils import timezone

    author = tree.superuser
    reviewer = factories.make_superuser("docs-access-reviewer")
    approver = factories.make_superuser("docs-access-approver")
    document = document_in(unit, author=author, reviewer=reviewer, approver=approver, source=small_pdf(),
                           title=f"Quy trình {unit.code}")
    services.distribution_add(acting_user=author, document=document, unit=unit)
    superseded = document.current_revision
    revision = _publish_next(document, author, reviewer, approver)
    draft = services.revision_create_draft(acting_user=author, document=document, reason="Lần 3")
    if grantee is not None:
        _name_reviewer(draft, grantee, author)
    request = services.change_request_create(acting_user=reviewer, document=document, reason="Bổ sung bước 3")
    announcement = services.announcement_create(acting_user=author, unit=unit, decision_number=f"1/QĐ-{unit.code}",
                                                decision_date=timezone.localdate(), scope="Thủ tục hành chính")
    return {"document": Document.objects.get(pk=document.pk), "revision": revision, "superseded": superseded,
            "draft": draft, "changerequest": request, "announcement": announcement}


def _publish_next(document, author, reviewer, approver):
    """Rev. 02 through the whole workflow: rev. 01 is superseded, its readers asked again."""
    from django.utils import timezone

    draft = services.revision_create_draft(acting_user=author, document=document, reason="Lần 2")
    services.revision_save_draft(acting_user=author, revision=draft, lock_version=draft.lock_version,
                                 content="<p>Nội dung lần 2 · 内容</p>", reason="Lần 2",
                                 effective_date=timezone.localdate())
    services.revision_set_reviewers(acting_user=author, revision=draft, reviewers=[reviewer])
    for actor, name in ((author, "submit"), (reviewer, "accept"), (approver, "approve")):
        services.revision_transition(acting_user=actor, revision=draft_of(document), name=name, password=PASSWORD)
    revision = draft_of(document)
    services.revision_publish(revision=revision)
    revision.refresh_from_db()
    return revision


def received_by(objects):
    """The ids of the people who received the document among ``objects`` (an acknowledgement of
    any of its revisions, superseded ones included)."""
    return set(Acknowledgement.objects.filter(revision__document=objects["document"]).values_list("user_id",
                                                                                                     flat=True))


def make_global_objects(tree):
    return {"legal": legal(acting_user=tree.superuser)}


def url_kwargs(name, obj):
    if name == "documents:master_list":
        return {"fmt": "xlsx"}
    if name == "documents:document_distribution_remove":
        return {"entry": obj.distribution.first().pk}
    return {}


def url_query(name, kind, objects):
    """The query string: the revision a compare page sets beside its own."""
    if name == "documents:revision_compare":
        return {"with": objects[ROWS[name].beside[kind]].pk}
    return {}


# Pinned by hand (so the derivation cannot drift unnoticed): (url name[@kind], identity, scope,
# method, variant) → status. ``reader``: ward1, no role, received the ward1 document (rev. 01, then
# rev. 02); ``grantee``: no role, named reviewer of the ward1 draft; ``district_only``: administrator
# and document controller on the district without its sub-units.
SPOT_CHECKS = {
    ("documents:document_detail", "reader", "in", "GET", None): 200,
    ("documents:document_detail", "reader", "out", "GET", None): 404,
    ("documents:document_history", "reader", "in", "GET", None): 200,
    ("documents:document_edit", "reader", "in", "GET", None): 403,
    ("documents:document_acknowledge", "reader", "in", "POST", None): 302,
    ("documents:changerequest_create", "reader", "in", "GET", None): 200,
    ("documents:revision_detail", "reader", "in", "GET", None): 200,
    ("documents:revision_detail", "reader", "out", "GET", None): 404,
    ("documents:revision_detail@superseded", "reader", "in", "GET", None): 404,
    ("documents:revision_detail@draft", "reader", "in", "GET", None): 404,
    ("documents:revision_pdf", "reader", "in", "GET", None): 200,
    ("documents:revision_pdf@superseded", "reader", "in", "GET", None): 404,
    ("documents:revision_source", "reader", "in", "GET", None): 200,
    ("documents:revision_source@superseded", "reader", "in", "GET", None): 404,
    ("documents:revision_history@superseded", "reader", "in", "GET", None): 404,
    ("documents:revision_compare@revision", "reader", "in", "GET", None): 404,
    ("documents:revision_compare@superseded", "reader", "in", "GET", None): 404,
    ("documents:changerequest_detail", "reader", "in", "GET", None): 403,
    ("documents:register", "reader", "-", "GET", None): 200,
    ("documents:acknowledgement_list", "reader", "-", "GET", None): 403,
    ("documents:acknowledgement_list", "staff", "-", "GET", None): 403,
    ("documents:acknowledgement_list", "department_head", "-", "GET", None): 200,
    ("documents:master_list", "reader", "-", "GET", None): 403,
    ("documents:revision_detail@superseded", "staff", "in", "GET", None): 200,
    ("documents:revision_pdf@superseded", "internal_auditor", "in", "GET", None): 200,
    ("documents:revision_compare@revision", "staff", "in", "GET", None): 200,
    ("documents:revision_compare@superseded", "staff", "out", "GET", None): 404,
    ("documents:revision_detail@draft", "grantee", "in", "GET", None): 200,
    ("documents:revision_detail@draft", "grantee", "out", "GET", None): 404,
    ("documents:revision_detail", "grantee", "in", "GET", None): 404,
    ("documents:revision_compare", "grantee", "in", "GET", None): 404,  # beside the effective revision
    ("documents:revision_transition", "grantee", "in", "GET", "accept"): 200,
    ("documents:revision_transition", "grantee", "in", "GET", "approve"): 403,
    ("documents:revision_transition", "grantee", "out", "GET", "accept"): 404,
    ("documents:revision_edit", "grantee", "in", "GET", None): 403,
    ("documents:register", "grantee", "-", "GET", None): 403,
    ("documents:document_detail", "district_only", "in", "GET", None): 404,
    ("documents:document_detail", "district_only", "district", "GET", None): 200,
    ("documents:document_edit", "district_only", "district", "GET", None): 200,
    ("documents:revision_detail@superseded", "district_only", "district", "GET", None): 200,
    ("documents:revision_transition", "district_only", "in", "GET", "submit"): 404,
    ("documents:revision_transition", "district_only", "district", "GET", "submit"): 200,
    ("documents:numbering_edit", "district_only", "in", "GET", None): 404,
    ("documents:numbering_edit", "district_only", "district", "GET", None): 200,
}
