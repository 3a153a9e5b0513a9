"""The register, a nonconformity's page, its actions and their due-date extensions."""

from django.utils.translation import gettext_lazy

from qms_portal.views.generic import HistoryView, ObjectFormView, ScopedDetailView, ScopedListView, TransitionView

from .. import selectors, services
from ..filters import NonconformityFilter
from ..forms import ExtensionDecisionForm
from ..models import CorrectiveAction, DueDateExtension, Nonconformity


class RegisterView(ScopedListView):
    model = Nonconformity
    title = gettext_lazy("Nonconformities")
    table_template = "nonconformities/register_rows.html"
    filterset_class = NonconformityFilter
    keyset = ("-detected_on", "-pk")

    def get_base_queryset(self):
        return selectors.register_queryset(self.request.user)

    def get_queryset(self):
        return self.get_base_queryset()


class NonconformityDetailView(ScopedDetailView):
    model = Nonconformity
    template_name = "nonconformities/nonconformity_detail.html"
    related = ("unit", "clause", "procedure", "reported_by", "verified_by")


class NonconformityHistoryView(HistoryView):
    model = Nonconformity


class ActionDetailView(ScopedDetailView):
    model = CorrectiveAction
    template_name = "nonconformities/action_detail.html"
    related = ("unit", "owner")


class ActionHistoryView(HistoryView):
    model = CorrectiveAction


class NonconformityTransitionView(TransitionView):
    model = Nonconformity
    service = services.nonconformity_transition
    object_kwarg = "nonconformity"


class ExtensionDecideView(ObjectFormView):
    """The management representative approves or declines an owner's request for a later due date."""

    model = DueDateExtension
    action = "nonconformities.decide_extension"
    form_class = ExtensionDecisionForm
    template_name = "nonconformities/extension_decide.html"
    related = ("action", "requested_by", "decided_by")
    title = gettext_lazy("Due date extension")
    success_message = gettext_lazy("The decision was recorded.")

    def perform(self, form):
        return services.extension_decide(acting_user=self.request.user, extension=self.object,
                                         approve=form.cleaned_data["decision"] == "approve",
                                         note=form.cleaned_data["note"])

    def get_success_url(self):
        return self.object.action.get_absolute_url()
