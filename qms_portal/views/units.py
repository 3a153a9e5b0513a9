"""Portal pages for the unit tree and a unit's role roster."""

from django.utils.translation import gettext_lazy

from .. import fragments, rosters, services
from ..forms import RosterDateForm, UnitForm
from ..jobs import job_start
from ..models import RoleAssignment, Unit
from ..permissions import can
from ..selectors import assignments_held
from .filters import UnitFilter
from .generic import (
    ActionView,
    HistoryView,
    ObjectFormView,
    ScopedDetailView,
    ScopedListView,
    ServiceFormView,
)


class UnitListView(ScopedListView):
    model = Unit
    filterset_class = UnitFilter
    table_template = "qms_portal/unit_table.html"
    title = gettext_lazy("Units")
    create_url = "unit_create"
    related = ("parent",)
    cache_generations = (fragments.UNITS,)


class UnitDetailView(ScopedDetailView):
    model = Unit
    template_name = "qms_portal/unit_detail.html"
    related = ("parent",)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        unit = self.object
        ctx["children"] = unit.children.all()
        ctx["ancestors"] = unit.ancestors()
        visible = RoleAssignment.objects.restrict(self.request.user, "view").filter(unit=unit)
        ctx["assignments"] = visible.current().select_related("user", "role", "granted_by")
        ctx["member_count"] = unit.members.filter(is_active=True).count()
        # Every row is on this unit: one check answers for all of them (no query per row).
        ctx["can_end_roles"] = can(self.request.user, "qms_portal.delete_roleassignment", unit)
        # Ended assignments and the roster on a date, for those who may see who holds roles here.
        ctx["can_see_roles"] = can(self.request.user, "qms_portal.view_roleassignment", unit)
        if not ctx["can_see_roles"]:
            return ctx
        ctx["show_ended"] = self.request.GET.get("ended") == "1"
        if ctx["show_ended"]:
            ctx["ended_assignments"] = visible.ended().select_related("user", "role", "ended_by").order_by(
                "-ended_at", "-pk")
        # "Who held which role here on a date": the roster as it was that day.
        form = RosterDateForm(self.request.GET if "on" in self.request.GET else None)
        ctx["roster_form"] = form
        if form.is_valid():
            ctx["held_on"] = form.cleaned_data["on"]
            ctx["held"] = assignments_held(visible, form.cleaned_data["on"]).select_related(
                "user", "role", "ended_by").order_by("role__name", "user__full_name", "created_at")
        return ctx


class UnitHistoryView(HistoryView):
    model = Unit
    template_name = "generic/history.html"


class UnitCreateView(ServiceFormView):
    model = Unit
    action = "add"
    form_class = UnitForm
    title = gettext_lazy("New unit")
    success_message = gettext_lazy("The unit was created.")

    def get_initial(self):
        return {"parent": self.request.GET.get("parent")}

    def perform(self, form):
        return services.unit_create(acting_user=self.request.user, **form.cleaned_data)


class UnitUpdateView(ObjectFormView):
    model = Unit
    form_class = UnitForm
    title = gettext_lazy("Edit unit")
    success_message = gettext_lazy("The unit was saved.")

    def perform(self, form):
        return services.unit_update(acting_user=self.request.user, unit=self.object, **form.cleaned_data)


class UnitActivateView(ActionView):
    """POST only: deactivate or reactivate."""

    model = Unit
    action = "change"
    success_message = gettext_lazy("The unit was updated.")

    def perform(self, unit):
        return services.unit_set_active(acting_user=self.request.user, unit=unit,
                                        active=self.request.POST.get("active") == "1")


class UnitRosterPdfView(ActionView):
    """POST only: prepare the role roster of a unit and everything below it as a PDF, in the
    background (qms_portal/rosters.py); the person follows it on the job's page. With a date
    (``on``), the roster as it was on that day."""

    model = Unit
    action = "qms_portal.view_roster"

    def perform(self, unit):
        form = RosterDateForm(self.request.POST if self.request.POST.get("on") else None)
        on = form.cleaned_data["on"] if form.is_valid() else None
        params = {"unit": unit.pk} | ({"on": on.isoformat()} if on else {})
        return job_start(acting_user=self.request.user, kind=rosters.KIND, params=params)

    def get_success_url(self, unit, job):
        return job.get_absolute_url()


def unit_search(request):
    """The unit picker's options (``qms_portal.unit_picker``): the units of the field's scope that
    match ``q``, as JSON, at most ``RESULTS`` of them, each with its place in the tree. The scope
    is the signed one the field was rendered with, applied for the person asking; without one, the
    units they may view. Signed in only (``LoginRequiredMiddleware``); a forged scope, or one made
    for someone else, is refused. Three queries: the person's roles, the units, the names above them."""
    from django.http import HttpResponseBadRequest, JsonResponse

    from ..unit_picker import RESULTS, UnitScope, option, search_units, tree_paths

    token = request.GET.get("scope")
    scope = UnitScope.from_token(token, request.user) if token else UnitScope()
    if scope is None:
        return HttpResponseBadRequest("bad scope", content_type="text/plain")
    query = request.GET.get("q", "")[:100]
    found = list(search_units(scope.queryset(request.user), query).only("pk", "code", "name", "path")[:RESULTS + 1])
    units = found[:RESULTS]
    paths = tree_paths(units)
    response = JsonResponse({"results": [option(u, paths[u.pk]) for u in units], "more": len(found) > RESULTS})
    response["Cache-Control"] = "private, no-store"
    return response
