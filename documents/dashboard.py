"""The documents area's figures for the steering committee's view (``areas.Figure``): each counts
rows the reader may see; the dashboard counts them per unit and rolls them up the unit tree."""

from urllib.parse import urlencode

from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from qms_portal.areas import Figure
from qms_portal.links import unit_register

from .models import Document, Revision
from .selectors import acknowledgements_of_current_revision, effective_documents


def _register(status):
    return lazy(lambda: f"{reverse_lazy('documents:register')}?{urlencode({'status': status})}", str)()


def _acknowledged_link(unit, period):
    """The register of acknowledgements filtered to exactly the acknowledgements given that the
    figure counts for the unit's subtree (the figure is not of a period)."""
    return unit_register("documents:acknowledgement_list", unit, state="acknowledged")


def _link(status):
    """The register filtered to exactly the documents a figure counts for a unit's subtree."""
    def link(unit, period):
        return unit_register("documents:register", unit, status=status)
    return link


def reviews_overdue(user):
    return Document.objects.restrict(user, "view").filter(is_withdrawn=False,
                                                          next_review_date__lt=timezone.localdate())


def review_required(user):
    return Document.objects.restrict(user, "view").filter(is_withdrawn=False, review_required=True)


def revisions_in_review(user):
    return Revision.objects.restrict(user, "view").filter(status=Revision.Status.IN_REVIEW)


FIGURES = [
    Figure("documents.effective", _("Effective documents"), effective_documents, _register("effective"), "good",
           link=_link("effective")),
    # Of what the unit's effective documents asked their readers to acknowledge, the share done (a
    # district's is the sum of its units' acknowledgements over the sum asked, never an average):
    # a rate of quantities over the effective documents, each with its current revision's
    # acknowledgements given and asked; its link lists the acknowledgements given (``link_total``).
    Figure("documents.acknowledged", _("Acknowledgement coverage of effective documents"), effective_documents,
           _register("effective"), "good", kind="rate", denominator=effective_documents,
           value=acknowledgements_of_current_revision(done=True),
           denominator_value=acknowledgements_of_current_revision(), limits=(0.9, 0.7), trend=True,
           link=_acknowledged_link, link_total=True),
    Figure("documents.review_overdue", _("Periodic reviews overdue"), reviews_overdue, _register("review_overdue"),
           limits=(0, 3), link=_link("review_overdue")),
    Figure("documents.review_required", _("Documents to review after a legal change"), review_required,
           _register("review_required"), link=_link("review_required"), column=False),
    Figure("documents.in_review", _("Revisions waiting for review or approval"), revisions_in_review, column=False),
]
