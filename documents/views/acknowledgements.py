"""The register of acknowledgements: who was asked to read which effective revision, and who has
acknowledged it, person by person.

Its rows are the steering dashboard's ("Acknowledgement coverage of effective documents"): the
acknowledgements of the current revisions of the effective documents the reader may see
(``selectors.acknowledgements_asked``, one rule for both), and of those only the ones on documents
of units where the reader may see who acknowledged (``documents.view_acknowledgement``: the
document controller, the management representative, the department head, the internal auditor,
the steering committee, the administrator). A reader who merely received a document from another
unit sees its counts per unit on its page, never its readers' names here.

A province holds some 100,000 acknowledgements: the list is paged by cursor, newest asked first,
read in the order of the ``acknowledgement_asked_order`` index; nothing is counted.

Its content is kept in the cache (``cached.ACKNOWLEDGEMENT_LIST_GENERATIONS``): any acknowledgement
assigned (in bulk, ``cached.forget_acknowledgements``) or given, any change to a document or to a
revision it can show (which documents are effective, their current revision), and the names of
people and units retire it. The reminders' sweep writes its claims, never an acknowledgement.
"""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy

from qms_portal.models import Unit, User
from qms_portal.permissions import scope_fingerprint
from qms_portal.views.generic import ScopedListView

from .. import cached, selectors
from ..filters import AcknowledgementFilter
from ..models import Acknowledgement
from .acknowledgement_rows import acknowledgement_rows


class AcknowledgementListView(ScopedListView):
    model = Acknowledgement  # the page's permission: documents.view_acknowledgement
    filterset_class = AcknowledgementFilter
    content_template = "documents/acknowledgement_list_content.html"
    table_template = "documents/acknowledgement_rows.html"
    title = gettext_lazy("Acknowledgements")
    keyset = selectors.ACKNOWLEDGEMENT_ORDER
    cache_generations = cached.ACKNOWLEDGEMENT_LIST_GENERATIONS

    def content_key_parts(self):
        # The rows are those of the documents the reader may see (``selectors.effective_documents``).
        return (*super().content_key_parts(), scope_fingerprint(self.request.user, "documents.view_document"))

    def get_base_queryset(self):
        # What the rows show, and nothing of the revisions' long texts. The people and units of the
        # page's rows are read apart (two queries on their keys): joined too, they made PostgreSQL
        # weigh eight tables' join orders, 10-20 ms of planning for a query that runs in 1 ms.
        return selectors.acknowledgements_asked(self.request.user).select_related("revision__document").only(
            "pk", "created_at", "acknowledged_at", "user", "unit", "revision__number", "revision__document__code",
            "revision__document__title",
        ).prefetch_related(Prefetch("user", queryset=User.objects.only("pk", "full_name", "username")),
                           Prefetch("unit", queryset=Unit.objects.only("pk", "code", "name")))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["rows"] = acknowledgement_rows(ctx["object_list"])
        return ctx
