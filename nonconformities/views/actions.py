"""A corrective action's page and what its owner and managers do there: start, complete with a note
and evidence, cancel with a reason, ask for a later due date; the management representative's
decision on that request (nc-core)."""

from django.utils.translation import gettext_lazy

from qms_portal.permissions import can
from qms_portal.views.generic import ActionView, HistoryView, ObjectFormView, ScopedDetailView

from .. import services
from ..forms import (
    ActionCancelForm,
    ActionCompleteForm,
    ActionEditForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
)
from ..models import CorrectiveAction, DueDateExtension, Nonconformity

COMPLETE = "nonconformities.complete_correctiveaction"


class ActionDetailView(ScopedDetailView):
    model = CorrectiveAction
    template_name = "nonconformities/action_detail.html"
    related = ("unit", "owner")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        action, user = self.object, self.request.user
        ctx["nonconformities"] = list(Nonconformity.objects.restrict(user, "view").filter(actions=action)
                                      .only("pk", "number", "title", "status"))
        ctx["extensions"] = list(action.extensions.select_related("requested_by", "decided_by"))
        ctx["pending"] = next((e for e in ctx["extensions"] if e.status == DueDateExtension.Status.PENDING), None)
        ctx["may_progress"] = action.is_active and can(user, COMPLETE, action)
        ctx["may_manage"] = action.is_active and can(user, "change", action)
        ctx["may_decide"] = ctx["pending"] is not None and can(user, "nonconformities.decide_extension",
                                                               ctx["pending"])
        return ctx


class ActionHistoryView(HistoryView):
    model = CorrectiveAction


class ActionStartView(ActionView):
    model = CorrectiveAction
    action = COMPLETE
    success_message = gettext_lazy("The action is in progress.")

    def perform(self, obj):
        return services.action_start(acting_user=self.request.user, action=obj)


class ActionCompleteView(ObjectFormView):
    model = CorrectiveAction
    action = COMPLETE
    form_class = ActionCompleteForm
    template_name = "nonconformities/action_form.html"
    title = gettext_lazy("Complete the action")
    success_message = gettext_lazy("The action was recorded as done.")

    def perform(self, form):
        return services.action_complete(acting_user=self.request.user, action=self.object,
                                        completion_note=form.cleaned_data["completion_note"],
                                        evidence=form.cleaned_data["evidence"])


class ActionEditView(ObjectFormView):
    """The department head changes an action still to do: what, type, owner, due date (the history
    keeps every due date; the original one stays)."""

    model = CorrectiveAction
    form_class = ActionEditForm
    template_name = "nonconformities/action_form.html"
    title = gettext_lazy("Change the action")
    success_message = gettext_lazy("The action was saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "candidates": services.owner_scope(self.object.unit)}

    def get_initial(self):
        a = self.object
        return {"description": a.description, "kind": a.kind, "owner": a.owner_id, "due": a.due}

    def perform(self, form):
        return services.action_update(acting_user=self.request.user, action=self.object, **form.cleaned_data)


class ActionCancelView(ObjectFormView):
    model = CorrectiveAction
    form_class = ActionCancelForm
    template_name = "nonconformities/action_form.html"
    title = gettext_lazy("Cancel the action")
    success_message = gettext_lazy("The action was cancelled.")

    def perform(self, form):
        return services.action_cancel(acting_user=self.request.user, action=self.object,
                                      reason=form.cleaned_data["reason"])


class ExtensionRequestView(ObjectFormView):
    model = CorrectiveAction
    action = COMPLETE
    form_class = ExtensionRequestForm
    template_name = "nonconformities/action_form.html"
    title = gettext_lazy("Ask for a later due date")
    success_message = gettext_lazy("Your request was sent to the management representative.")

    def perform(self, form):
        services.extension_request(acting_user=self.request.user, action=self.object, **form.cleaned_data)
        return self.object


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


class ExtensionHistoryView(HistoryView):
    """An extension request's History tab: asked, approved or declined, by whom and when. Its
    "Details" is the decision page for who may decide, else the action's page."""

    model = DueDateExtension
    related = ("action",)
    history_url_name = "nonconformities:extension_history"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        extension = self.object
        may_decide = can(self.request.user, "nonconformities.decide_extension", extension)
        ctx["details_url"] = extension.get_absolute_url() if may_decide else extension.action.get_absolute_url()
        return ctx
