"""Management review pages: the list, planning a review, its page (inputs, decisions, signature),
its History tab, its transitions (hold, sign), the minutes' PDF; the decisions: recorded at the
meeting, listed, each with its page, History tab, and recorded done or cancelled."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy

from qms_portal.forms import on_fields
from qms_portal.permissions import can
from qms_portal.views.generic import (
    HistoryView,
    ObjectFormView,
    ObjectPdfView,
    ScopedDetailView,
    ScopedListView,
    ServiceFormView,
    TransitionView,
)

from .. import cached
from ..forms.review import DecisionCancelForm, DecisionDoneForm, DecisionFilter, DecisionForm, ReviewFilter, ReviewForm
from ..models import ManagementReview, ReviewDecision
from ..selectors import review as selectors
from ..services import review as services


class ReviewListView(ScopedListView):
    """The reviews in the reader's scope and those they sit in; filters by unit (with its
    sub-units), year and status; newest meeting first."""

    model = ManagementReview
    filterset_class = ReviewFilter
    table_template = "objectives/review/review_rows.html"
    title = gettext_lazy("Management reviews")
    create_url = "objectives:review_create"
    keyset = ("-meeting_on", "-pk")
    cache_generations = cached.REVIEW_LIST

    def get_queryset(self):
        return selectors.review_list_queryset(self.request.user)


class ReviewCreateView(ServiceFormView):
    model = ManagementReview
    action = "add"
    form_class = ReviewForm
    title = gettext_lazy("Plan a management review")
    success_message = gettext_lazy("The management review was planned. The chair and the participants were told.")

    def get_initial(self):
        user = self.request.user
        initial = {"chair": user.pk}
        if user.primary_unit is not None and can(user, "objectives.add_managementreview", user.primary_unit):
            initial["unit"] = user.primary_unit.pk
        return initial

    def perform(self, form):
        return on_fields(form, services.review_create, acting_user=self.request.user, **form.cleaned_data)


class ReviewEditView(ObjectFormView):
    """The meeting while it is planned; once held, its conclusions until the minutes are signed."""

    model = ManagementReview
    form_class = ReviewForm
    title = gettext_lazy("Change the management review")
    success_message = gettext_lazy("The management review was saved.")
    related = ("unit", "chair")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["review"] = self.object
        return kwargs

    def get_initial(self):
        r = self.object
        initial = {name: getattr(r, name) for name in services.REVIEW_FIELDS if name != "chair"}
        initial.update(chair=r.chair_id, participants=list(r.participants.values_list("pk", flat=True)))
        return initial

    def perform(self, form):
        return on_fields(form, services.review_update, acting_user=self.request.user, review=self.object,
                         **form.cleaned_data)


class ReviewDetailView(ScopedDetailView):
    """A review's page: the meeting, its inputs (live while planned, as frozen once held), its
    decisions, the conclusions and the chair's signature."""

    model = ManagementReview
    template_name = "objectives/review/review_detail.html"
    related = ("unit", "chair")
    history_url_name = "objectives:review_history"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        review, user = self.object, self.request.user
        ctx["review"] = review
        ctx.update(selectors.review_page(review, user))
        may_change = can(user, "change", review)
        ctx["may_edit"] = may_change and review.status != ManagementReview.Status.SIGNED
        ctx["may_decide"] = may_change and review.status == ManagementReview.Status.HELD
        return ctx


class ReviewHistoryView(HistoryView):
    model = ManagementReview
    history_url_name = "objectives:review_history"


class ReviewTransitionView(TransitionView):
    model = ManagementReview
    service = services.review_transition
    object_kwarg = "review"


class ReviewMinutesPdfView(ObjectPdfView):
    """The minutes: the meeting, its inputs as frozen, its decisions, conclusions and signature."""

    model = ManagementReview
    related = ("unit", "chair")
    pdf_template = "objectives/review/minutes_pdf.html"

    def pdf_context(self, review):
        return selectors.minutes_context(review, self.request.user)

    def pdf_filename(self, review):
        return f"{review.number}-minutes.pdf"


class DecisionAddView(ObjectFormView):
    """Record a decision of the meeting: what, its kind, its owner and due date."""

    model = ManagementReview
    form_class = DecisionForm
    title = gettext_lazy("Record a decision")
    success_message = gettext_lazy("The decision was recorded. Its owner was told.")
    related = ("unit",)

    def perform(self, form):
        on_fields(form, services.decision_add, acting_user=self.request.user, review=self.object,
                  **form.cleaned_data)
        return self.object

    def get_success_url(self):
        return self.object.get_absolute_url() + "#decisions-h"


class DecisionListView(ScopedListView):
    """The decisions the reader may see (of the reviews in their scope, and those they own); filters
    by unit, owner, status, overdue and "my decisions"; soonest due first."""

    model = ReviewDecision
    filterset_class = DecisionFilter
    table_template = "objectives/review/decision_rows.html"
    title = gettext_lazy("Management review decisions")
    keyset = ("due_on", "pk")
    cache_generations = cached.DECISION_LIST

    def get_queryset(self):
        return selectors.decision_list_queryset(self.request.user)


class DecisionDetailView(ScopedDetailView):
    model = ReviewDecision
    template_name = "objectives/review/decision_detail.html"
    related = ("review__unit", "owner")
    history_url_name = "objectives:decision_history"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        decision, user = self.object, self.request.user
        is_open = decision.status == ReviewDecision.Status.OPEN
        ctx["decision"] = decision
        ctx["may_complete"] = is_open and can(user, "change", decision)
        ctx["may_cancel"] = is_open and can(user, "change", decision.review)
        return ctx


class DecisionHistoryView(HistoryView):
    model = ReviewDecision
    related = ("review__unit",)
    history_url_name = "objectives:decision_history"


class DecisionDoneView(ObjectFormView):
    """The owner (or whoever keeps the review) says what was done."""

    model = ReviewDecision
    form_class = DecisionDoneForm
    title = gettext_lazy("Record the decision as done")
    success_message = gettext_lazy("The decision was recorded as done.")
    related = ("review__unit", "owner")

    def perform(self, form):
        return on_fields(form, services.decision_complete, acting_user=self.request.user, decision=self.object,
                         **form.cleaned_data)


class DecisionCancelView(ObjectFormView):
    """Whoever keeps the review cancels a decision, with the reason (its owner may not)."""

    model = ReviewDecision
    form_class = DecisionCancelForm
    title = gettext_lazy("Cancel the decision")
    success_message = gettext_lazy("The decision was cancelled.")
    related = ("review__unit", "owner")

    def get_object(self, queryset=None):
        decision = super().get_object(queryset)
        if not can(self.request.user, "change", decision.review):
            raise PermissionDenied
        return decision

    def perform(self, form):
        return on_fields(form, services.decision_cancel, acting_user=self.request.user, decision=self.object,
                         **form.cleaned_data)
