"""Province-sized document data for the benchmark (``manage.py seed_scale``), registered as the
documents area's scale builder (``areas.register(scale="documents.scale.DocumentsScale")``).

``build_documents(root=…)`` (``build.py``) fills the documents area under a unit tree made by
``qms_portal.bench.scale.build_scale``, in bulk, in seconds, stage by stage:

1. ``plan.py`` — who works where, and a plan per document: its unit, type, code, language and
   topic, how many revisions and its fate (effective, withdrawn, a draft after the effective
   revision, or only a draft). Documents are owned by the agencies, offices and wards under
   ``root`` (an agency keeps about five times as many as a ward), each with the default code
   ``{unit code}-{type code}-{number:02d}``, unique per unit;
2. ``build.py`` — documents, then about four revisions each (older ones superseded, the newest
   effective, ~2 % withdrawn, as the revision workflow's transitions leave them), the documents'
   current revision (the fields publication sets, ``services.revisions.publication_fields``), the
   numbering sequences at the highest number used (so the next code continues after them);
3. procedures' steps (copied to an open draft as ``revision_create_draft`` copies them), ISO clauses,
   legal references (``legal.py`` makes the legal register), and the review and approval
   signatures of the current revisions, written by the workflow engine's own record builder
   (``workflow.transition_record``) from the revision workflow's transitions;
4. ``acks.py`` — acknowledgements spread over the effective revisions, each for someone working in
   the owning unit or below (~70 % acknowledged);
5. one "showcase" procedure (an agency's, about five revisions, steps, content long enough for a
   ~20-page controlled copy, distributed to the whole province): the benchmark opens its page,
   compares its revisions and renders its PDF;
6. ``announcements.py`` — announcements of conformity for most units that own documents of their
   scope (current, scope changed, late, never announced, a few drafts).

Why bulk and not the services: 10,000 documents and 40,000 revisions through the services take
hours (each publication locks, notifies, queues a PDF). The rules are not written a second time:
statuses come from the workflow's transitions, the document's publication fields, search text and
transition records from the same helpers the services use. History-tracked rows get one "created"
history row each, dated when the row was made. Nothing is sent: nobody is notified.
"""

import random

from django.db.models import Count

from qms_portal.bench.tools import ScaleBuilder
from qms_portal.models import NumberSequence, TransitionRecord

from ..models import (
    Acknowledgement,
    Announcement,
    AnnouncementItem,
    Distribution,
    Document,
    LegalDocument,
    ProcedureStep,
    Revision,
)
from .build import build_documents
from .plan import SEARCH_VI, SEARCH_ZH

__all__ = ["SEARCH_VI", "SEARCH_ZH", "DocumentsScale", "analyze_models", "build_documents", "data_size",
           "showcase_revision"]


def analyze_models():
    """The models whose tables ``build_documents`` fills (for ANALYZE)."""
    tracked = [Document, Revision, ProcedureStep, Acknowledgement, LegalDocument, Distribution, Announcement,
               AnnouncementItem]
    return tracked + [m.history.model for m in tracked] + [
        NumberSequence, Document.clauses.through, Revision.legal_refs.through, TransitionRecord,
    ]


def showcase_revision(user=None):
    """The effective revision of a procedure (a document with steps) with the most acknowledgements
    among the documents ``user`` may see: the document page, compare page and controlled copy the
    benchmark measures. None when there is none."""
    documents = Document.objects.filter(is_withdrawn=False, current_revision__status=Revision.Status.EFFECTIVE,
                                        doc_type__has_steps=True)
    if user is not None:
        documents = documents.restrict(user, "view")
    return (
        Revision.objects.filter(status=Revision.Status.EFFECTIVE, pk__in=documents.values("current_revision_id"))
        .annotate(readers=Count("acknowledgements"))
        .order_by("-readers", "pk")
        .select_related("document")
        .first()
    )


def data_size():
    return {
        "documents": Document.objects.count(),
        "revisions": Revision.objects.count(),
        "acknowledgements": Acknowledgement.objects.count(),
    }


class DocumentsScale(ScaleBuilder):
    def add_arguments(self, parser):
        parser.add_argument("--documents", type=int, default=10000,
                            help="Controlled documents owned by the agencies, offices and wards (default 10000; "
                                 "0: none).")
        parser.add_argument("--revisions", type=int, default=40000,
                            help="Revisions in all, at least one per document (default 40000).")
        parser.add_argument("--acknowledgements", type=int, default=100000,
                            help="Read-and-acknowledge rows over the effective revisions (default 100000; 0: none).")
        parser.add_argument("--due-acknowledgements", type=int, default=None,
                            help="About how many of them are left unacknowledged, for the acknowledgement "
                                 "reminder's sweep (default: 30 %%). E.g. --acknowledgements 150000 "
                                 "--due-acknowledgements 100000 for the bench's sweep at 100k due rows.")

    def check(self, options):
        documents, revisions, acks = options["documents"], options["revisions"], options["acknowledgements"]
        if min(documents, revisions, acks) < 0:
            raise ValueError("--documents, --revisions and --acknowledgements cannot be negative.")
        due = options.get("due_acknowledgements")
        if due is not None and not 0 <= due <= acks:
            raise ValueError("--due-acknowledgements must be between 0 and --acknowledgements.")
        if documents and revisions < documents:
            raise ValueError("--revisions must be at least --documents: every document has a first revision.")
        if documents and not options["users"]:
            raise ValueError("Documents need people (their owners and authors): give --users.")

    def build(self, *, root, options, acting_user):
        return build_documents(root=root, documents=options["documents"], revisions=options["revisions"],
                               acknowledgements=options["acknowledgements"], rng=random.Random(2027),
                               acting_user=acting_user, due_acknowledgements=options.get("due_acknowledgements"))

    def describe(self, summary):
        if not summary["documents"]:
            return []
        d, showcase = summary, summary["showcase"]
        return [
            f"{d['documents']} documents ({d['withdrawn']} withdrawn, {d['open_drafts']} with an open draft, "
            f"{d['pending']} not yet effective) owned by {d['owners']} units, {d['revisions']} revisions, "
            f"{d['steps']} procedure steps, {d['acknowledgements']} acknowledgements, {d['legal_documents']} "
            "legal documents (with history rows).",
            f"showcase procedure (the bench's document page, compare page and controlled copy): {showcase.code} "
            f"(document {showcase.pk}, revision {d['showcase_revision'].pk}).",
            "announcements of conformity: " + ", ".join(f"{n} {status}" for status, n in d["announcements"].items())
            + ".",
            f"time: {d['seconds']:.2f} s (" + ", ".join(f"{k} {v:.2f} s" for k, v in d["timings"].items()) + ").",
        ]

    def analyze_models(self):
        return analyze_models()

    def data_size(self):
        return data_size()
