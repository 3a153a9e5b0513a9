"""The documents area's rows of the access matrix (``tests/qms_portal/test_access_matrix.py``):
who may open each page, in and out of scope, for every seeded role.

Objects, placed on the unit the matrix asks for (ward1 in scope, division out of scope): an
effective procedure with a distribution entry and a source file, its effective revision, the open
draft of its next revision, an open change request; the legal document is global. The numbering
pages are about a unit: the core's own "unit" object of the matrix.
"""

from documents import services
from tests import factories
from tests.documents.factories import document_in, legal, small_pdf
from tests.viewtests import P

VIEW_DOC = "documents.view_document"
VIEW_REV = "documents.view_revision"
VIEW_CR = "documents.view_changerequest"
DECIDE = "documents.decide_changerequest"
NUMBERING = "documents.change_registersettings"

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
    "documents:revision_detail": P(VIEW_REV, "revision"),
    "documents:revision_edit": P("documents.change_revision", "draft"),
    "documents:revision_reviewers": P("documents.change_revision", "draft"),
    "documents:revision_steps_total": P("documents.change_revision", "draft"),
    "documents:revision_history": P(VIEW_REV, "revision"),
    "documents:revision_compare": P(VIEW_REV, "draft"),
    "documents:revision_source": P(VIEW_REV, "revision"),
    "documents:revision_pdf": P(VIEW_REV, "revision"),  # effective: the progress page, rendering queued
    "documents:revision_pdf_status": P(VIEW_REV, "revision"),
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
    # the numbering page of a unit (the matrix's own unit: ward1 in scope, division out of scope)
    "documents:numbering": P(NUMBERING),
    "documents:numbering_edit": P(NUMBERING, "unit"),
    "documents:numbering_history": P(NUMBERING, "unit"),
}

POST_DATA = {
    "documents:document_new_revision": {"reason": "Cập nhật"},
}


def make_objects(tree, unit):
    author = tree.superuser
    reviewer = factories.make_superuser("docs-access-reviewer")
    approver = factories.make_superuser("docs-access-approver")
    document = document_in(unit, author=author, reviewer=reviewer, approver=approver, source=small_pdf())
    services.distribution_add(acting_user=author, document=document, unit=unit)
    revision = document.current_revision
    draft = services.revision_create_draft(acting_user=author, document=document, reason="Lần 2")
    request = services.change_request_create(acting_user=reviewer, document=document, reason="Bổ sung bước 3")
    return {"document": document, "revision": revision, "draft": draft, "changerequest": request}


def make_global_objects(tree):
    return {"legal": legal(acting_user=tree.superuser)}


def url_kwargs(name, obj):
    if name == "documents:master_list":
        return {"fmt": "xlsx"}
    if name == "documents:document_distribution_remove":
        return {"entry": obj.distribution.first().pk}
    return {}
