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

from django.db.models import Prefetch
from django.utils.html import conditional_escape
from django.utils.translation import gettext, gettext_lazy

from documents.views.acknowledgement_rows import acknowledgement_rows
from qms_portal.links import pk_url
from qms_portal.models import Unit, User
from qms_portal.permissions import scope_fingerprint
from qms_portal.templatetags.qms import local_date
from qms_portal.views.generic import ScopedListView

from .. import cached
from ..forms.matrix import RevisionTrainingFilter
from ..models import Qualification
from ..selectors import matrix as selectors


class RevisionTrainingListView(ScopedListView):
    model = Qualification  # the page's permission: training.view_qualification (the matrix's)
    filterset_class = RevisionTrainingFilter
    content_template = "training/matrix/revision_training_list_content.html"
    table_template = "documents/acknowledgement_rows.html"  # the acknowledgements' columns; the last: trained
    title = gettext_lazy("Training on revisions")
    keyset = selectors.REVISION_TRAINING_ORDER
    cache_generations = cached.REVISION_TRAINING_LIST

    def content_key_parts(self):
        # The rows are also those of the documents the reader may see (``revision_trainings_asked``).
        return (*super().content_key_parts(), scope_fingerprint(self.request.user, "documents.view_document"))

    def get_queryset(self):
        # The people and units of the page's rows are read apart (as the acknowledgements'
        # register does: joined, PostgreSQL spent 10-20 ms weighing eight tables' join orders).
        rows = selectors.revision_training_register(self.request.user).select_related("revision__document").only(
            "pk", "created_at", "user", "unit", "revision__number", "revision__document__code",
            "revision__document__title",
        ).prefetch_related(Prefetch("user", queryset=User.objects.only("pk", "full_name", "username")),
                           Prefetch("unit", queryset=Unit.objects.only("pk", "code", "name")))
        return selectors.with_attended_session(rows)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["rows"] = revision_training_rows(ctx["object_list"])
        ctx["state_heading"] = gettext("Trained")
        return ctx


def revision_training_rows(acknowledgements):
    """The register's rows: the acknowledgements' (``documents.views.acknowledgement_rows``), the
    last cell saying whether the person was trained, at which session and when."""
    trained_at = conditional_escape(gettext("Trained at the session of"))
    not_yet = f'<span class="badge text-bg-warning text-wrap">{conditional_escape(gettext("Not yet trained"))}</span>'

    def state(a):
        if not a.trained:
            return not_yet
        when = conditional_escape(local_date(a.trained_on))
        return (f'<a class="text-success text-nowrap" '
                f'href="{conditional_escape(pk_url("training:session_detail", a.trained_session_id))}">'
                f'✔ <span class="visually-hidden">{trained_at} </span>{when}</a>')

    return acknowledgement_rows(acknowledgements, state, shown=("trained", "trained_session_id", "trained_on"))
