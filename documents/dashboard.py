"""The documents area's figures for the steering committee's view (``areas.Figure``): each counts
rows the reader may see; the dashboard counts them per unit and rolls them up the unit tree."""

from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from qms_portal.areas import Figure
from qms_portal.links import pk_url

from .models import Acknowledgement, Document, Revision


def _register(status):
    return lazy(lambda: f"{reverse_lazy('documents:register')}?{urlencode({'status': status})}", str)()


def _link(status):
    """The register filtered to exactly the documents a figure counts for a unit's subtree."""
    def link(unit, period):
        return f"{pk_url('documents:register')}?{urlencode({'status': status, 'unit': unit.id})}"
    return link


def effective_documents(user):
    return Document.objects.restrict(user, "view").filter(is_withdrawn=False, current_revision__isnull=False)


def reviews_overdue(user):
    return Document.objects.restrict(user, "view").filter(is_withdrawn=False,
                                                          next_review_date__lt=timezone.localdate())


def review_required(user):
    return Document.objects.restrict(user, "view").filter(is_withdrawn=False, review_required=True)


def acknowledgements_asked(user):
    """The acknowledgements the effective documents the reader may see ask of their readers (their
    current revisions'), counted on the document's unit."""
    # (as "the current revision of an effective document", a semi-join: compared with the document's
    # own column the planner expected one row and read 250 × 10,000 pairs, 4 times slower)
    return Acknowledgement.objects.filter(revision_id__in=effective_documents(user).values("current_revision_id"))


def revisions_in_review(user):
    return Revision.objects.restrict(user, "view").filter(status=Revision.Status.IN_REVIEW)


FIGURES = [
    Figure("documents.effective", _("Effective documents"), effective_documents, _register("effective"), "good",
           link=_link("effective")),
    # Of what the unit's effective documents asked their readers to acknowledge, the share done (a
    # district's is the sum of its units' acknowledgements over the sum asked, never an average).
    # (the acknowledgements given: those asked that are done, read with them in one GROUP BY)
    Figure("documents.acknowledged", _("Acknowledgement coverage of effective documents"), None,
           _register("effective"), "good", kind="rate", denominator=acknowledgements_asked,
           numerator=Q(acknowledged_at__isnull=False), limits=(0.9, 0.7), trend=True),
    Figure("documents.review_overdue", _("Periodic reviews overdue"), reviews_overdue, _register("review_overdue"),
           limits=(0, 3), link=_link("review_overdue")),
    Figure("documents.review_required", _("Documents to review after a legal change"), review_required,
           _register("review_required"), link=_link("review_required"), column=False),
    Figure("documents.in_review", _("Revisions waiting for review or approval"), revisions_in_review, column=False),
]
