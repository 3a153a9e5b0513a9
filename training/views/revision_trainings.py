"""The register of training on revisions: for each effective revision marked "needs training", the
people it was distributed to and whether each has been trained on it (a present attendance at a
session of a course on that revision: ``selectors/matrix.py``), person by person.

Its rows are the steering dashboard's "training coverage of revisions" (the trained, out of all the
rows), of the documents whose unit the reader reads training records of
(``training.view_qualification``: the training coordinator, the management representative, the
department head, the internal auditor, the steering committee, the administrator). The document's
page shows its counts per unit to every reader of the document; the names are here.

Paged by cursor, newest asked first, in the acknowledgements' own index order; nothing is counted.
"""

from django.utils.translation import gettext_lazy

from qms_portal.permissions import scope_fingerprint
from qms_portal.views.generic import ScopedListView

from .. import cached
from ..forms.matrix import RevisionTrainingFilter
from ..models import Qualification
from ..selectors import matrix as selectors


class RevisionTrainingListView(ScopedListView):
    model = Qualification  # the page's permission: training.view_qualification (the matrix's)
    filterset_class = RevisionTrainingFilter
    content_template = "training/matrix/revision_training_list_content.html"
    table_template = "training/matrix/revision_training_rows.html"
    title = gettext_lazy("Training on revisions")
    keyset = selectors.REVISION_TRAINING_ORDER
    cache_generations = cached.REVISION_TRAINING_LIST

    def content_key_parts(self):
        # The rows are also those of the documents the reader may see (``revision_trainings_asked``).
        return (*super().content_key_parts(), scope_fingerprint(self.request.user, "documents.view_document"))

    def get_queryset(self):
        rows = selectors.revision_training_register(self.request.user).select_related(
            "user", "unit", "revision__document",
        ).only(
            "pk", "created_at", "user__full_name", "user__username", "unit__code", "unit__name",
            "revision__number", "revision__document__code", "revision__document__title",
        )
        return selectors.with_attended_session(rows)
