"""Portal pages for roles and role assignments."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from .. import services
from ..forms import RoleAssignmentForm, RoleForm
from ..models import Role, RoleAssignment, Unit
from ..permissions import restrict
from .filters import RoleAssignmentFilter
from .generic import ObjectMixin, ScopedListView, ServiceFormView


class RoleListView(ScopedListView):
    """Roles are global (not scoped to a unit): anyone who may view roles sees them all."""

    model = Role
    table_template = "qms_portal/role_table.html"
    title = gettext_lazy("Roles")
    create_url = "role_create"
    filterset_fields = []

    def get_queryset(self):
        return Role.objects.prefetch_related("permissions__content_type")


class RoleFormView(ServiceFormView):
    model = Role
    action = "change"
    form_class = RoleForm
    title = gettext_lazy("Role")
    success_message = gettext_lazy("The role was saved.")

    def dispatch(self, request, *args, **kwargs):
        self.object = get_object_or_404(Role, pk=kwargs["pk"]) if "pk" in kwargs else None
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        return services.role_save(acting_user=self.request.user, role=self.object, **form.cleaned_data)

    def get_success_url(self):
        return reverse("role_list")


class RoleAssignmentListView(ScopedListView):
    model = RoleAssignment
    filterset_class = RoleAssignmentFilter
    table_template = "qms_portal/assignment_table.html"
    title = gettext_lazy("Role assignments")
    create_url = "assignment_create"
    related = ("user", "role", "unit", "granted_by")


class RoleAssignmentCreateView(ServiceFormView):
    model = RoleAssignment
    action = "add"
    form_class = RoleAssignmentForm
    template_name = "qms_portal/assignment_form.html"  # the form plus the people datalist
    title = gettext_lazy("Assign a role")
    success_message = gettext_lazy("The role was assigned.")

    def get_initial(self):
        initial = {}
        if self.request.GET.get("unit"):
            initial["unit"] = self.request.GET["unit"]
        if self.request.GET.get("user"):
            initial["user"] = self.request.GET["user"]
        return initial

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        unit_id = self.request.GET.get("unit")
        if unit_id and unit_id.isdigit():
            unit = restrict(Unit.objects.all(), self.request.user, "view").filter(pk=unit_id).first()
            if unit is not None:
                ctx["people"] = unit.members.filter(is_active=True).values_list("username", "full_name")[:500]
        return ctx

    def perform(self, form):
        return services.role_assign(acting_user=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return self.result.get_absolute_url()


class RoleAssignmentDeleteView(ObjectMixin, View):
    """POST only: end a role assignment (history keeps the record of it)."""

    model = RoleAssignment
    action = "delete"

    def post(self, request, pk):
        assignment = self.get_object()
        services.role_unassign(acting_user=request.user, assignment=assignment)
        messages.success(request, _("The role assignment was ended."))
        target = request.POST.get("next") or reverse("unit_detail", args=[assignment.unit_id])
        return HttpResponseRedirect(target if target.startswith("/") else "/")
