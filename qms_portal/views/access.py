"""Access requests: an official asks for a role; someone who manages the unit decides."""

from django.utils.translation import gettext_lazy

from .. import fragments, selectors, services
from ..forms import AccessRequestForm
from ..models import AccessRequest
from .filters import AccessRequestFilter
from .generic import HistoryView, ScopedDetailView, ScopedListView, ServiceFormView, TransitionView


class AccessRequestListView(ScopedListView):
    model = AccessRequest
    filterset_class = AccessRequestFilter
    table_template = "qms_portal/accessrequest_table.html"
    title = gettext_lazy("Access requests")
    create_url = "accessrequest_create"
    related = ("requester", "role", "unit")
    login_only = True  # everyone lists their own requests; others' only within their scope
    cache_generations = (fragments.ACCESS_REQUESTS, fragments.PEOPLE, fragments.UNITS, fragments.ROLES)

    def get_queryset(self):
        return selectors.visible_access_requests(self.request.user).select_related(*self.related)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["create_url"] = self.create_url
        return ctx


class AccessRequestDetailView(ScopedDetailView):
    model = AccessRequest
    template_name = "qms_portal/accessrequest_detail.html"
    related = ("requester", "role", "unit")


class AccessRequestHistoryView(HistoryView):
    model = AccessRequest


class AccessRequestCreateView(ServiceFormView):
    """Any signed-in official may ask for a role, on any active unit."""

    model = AccessRequest
    form_class = AccessRequestForm
    title = gettext_lazy("Request a role")
    success_message = gettext_lazy("Your request was sent. You will be told of the decision.")
    login_only = True

    def perform(self, form):
        return services.access_request_create(acting_user=self.request.user, **form.cleaned_data)


class AccessRequestTransitionView(TransitionView):
    model = AccessRequest
    service = services.access_request_transition
    object_kwarg = "access_request"
