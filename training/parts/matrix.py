"""The matrix part of the training area: the training matrix (role × requirement per unit, who holds
what, who lacks what, what expires soon), its XLSX export, and the training a new revision needs
(the revision's "needs training", the coverage per unit on the document's page).

Who reads the matrix: whoever holds training.view_qualification through a role over a unit (the
training coordinator, the management representative, department heads, internal auditors — their
roles are given that permission by the competence part —, the steering committee and administrators
through their "*.view_*"). The training coverage of a revision is shown on the document's page to
whoever reads the document (counts per unit, as its acknowledgement coverage)."""

from django.utils.translation import gettext_lazy as _

from qms_portal.areas import MenuLink, Panel

from ..selectors.matrix import reads_matrix

PART = {
    # For whoever reads the training records of a unit through a role (not only their own).
    "menu_links": [
        MenuLink(_("Training matrix"), "training:matrix", reads_matrix),
        MenuLink(_("Training on revisions"), "training:revision_trainings", reads_matrix),
    ],
    "panels": [Panel("documents.Document", "training/matrix/document_coverage.html",
                     context="training.views.matrix.document_panel")],
}


def ready():
    from django.db.models import Q
    from django.urls import reverse_lazy

    from qms_portal.areas import Figure

    from ..exports_matrix import job_kinds
    from ..selectors.matrix import revision_trainings_asked

    PART["jobs"] = job_kinds()
    # The training coverage of the revisions that need it, on the documents' units (the coverage
    # each document's page shows, summed up the tree): met by a present attendance, out of asked.
    PART["dashboard"] = [
        Figure("training.revision_coverage", _("Training coverage of revisions that need training"),
               None, reverse_lazy("training:revision_trainings"), "good", kind="rate",
               denominator=revision_trainings_asked, numerator=Q(trained=True), limits=(0.9, 0.7),
               link=_trained_link),
    ]


def _trained_link(unit, period):
    """The register of training on revisions filtered to exactly the trainings the figure counts as
    done for the unit's subtree (the figure is "as of now": no period)."""
    from qms_portal.links import unit_register

    return unit_register("training:revision_trainings", unit, state="trained")
