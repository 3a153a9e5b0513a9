"""Portal pages for roles and role assignments."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy

from .. import fragments, services
from ..forms import EndAssignmentForm, RoleAssignmentForm, RoleForm
from ..models import Role, RoleAssignment, Unit
from ..permissions import restrict
from .filters import RoleAssignmentFilter
from .generic import HistoryView, ObjectFormView, ScopedListView, ServiceFormView, safe_url


class RoleListView(ScopedListView):
    """Roles are global (not scoped to a unit): anyone who may view roles sees them all."""

    model = Role
    table_template = "qms_portal/role_table.html"
    title = gettext_lazy("Roles")
    create_url = "role_create"
    filterset_fields = []

    def get_queryset(self):
        return Role.objects.prefetch_related("permissions__content_type")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["may_edit_roles"] = services.may_edit_roles(self.request.user, role=True)
        if not services.may_edit_roles(self.request.user):
            ctx.pop("create_url", None)
        return ctx


class RoleFormView(ServiceFormView):
    model = Role
    action = "change"
    form_class = RoleForm
    title = gettext_lazy("Role")
    success_message = gettext_lazy("The role was saved.")

    def dispatch(self, request, *args, **kwargs):
        self.object = get_object_or_404(Role, pk=kwargs["pk"]) if "pk" in kwargs else None
        if request.user.is_authenticated and not services.may_edit_roles(request.user, self.object):
            raise PermissionDenied  # roles are global: changed only by those who administer the whole tree
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        return services.role_save(acting_user=self.request.user, role=self.object, **form.cleaned_data)

    def get_success_url(self):
        return reverse("role_list")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if self.object is not None:
            ctx["history_url"] = reverse("role_history", args=[self.object.pk])
        return ctx


class RoleAssignmentListView(ScopedListView):
    model = RoleAssignment
    filterset_class = RoleAssignmentFilter
    table_template = "qms_portal/assignment_table.html"
    title = gettext_lazy("Role assignments")
    create_url = "assignment_create"
    related = ("user", "role", "unit", "granted_by")
    keyset = ("unit__path", "role__name", "pk")
    cache_generations = (fragments.ASSIGNMENTS, fragments.PEOPLE, fragments.UNITS, fragments.ROLES)


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


class RoleAssignmentEndView(ObjectFormView):
    """End a role assignment, with a reason: it is kept (with who ended it, when and why) and grants
    nothing from then on."""

    model = RoleAssignment
    action = "delete"
    related = ("user", "role", "unit")
    form_class = EndAssignmentForm
    template_name = "qms_portal/assignment_end.html"
    title = gettext_lazy("End a role assignment")
    success_message = gettext_lazy("The role assignment was ended.")

    def get_object(self, queryset=None):
        assignment = super().get_object(queryset)
        if assignment.ended_at is not None:
            raise Http404  # already ended: there is nothing left to end
        return assignment

    def perform(self, form):
        return services.role_assignment_end(acting_user=self.request.user, assignment=self.object,
                                            reason=form.cleaned_data["reason"])

    def next_url(self):
        return safe_url(self.request, self.request.POST.get("next") or self.request.GET.get("next"), default="")

    def get_success_url(self):
        return self.next_url() or reverse("unit_detail", args=[self.object.unit_id]) + "#roles"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["next"] = self.next_url()
        ctx["cancel_url"] = ctx["next"] or self.object.get_absolute_url()
        return ctx


class RoleHistoryView(HistoryView):
    """A role's history: its name, description and which permissions it gave, change by change."""

    model = Role

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if not self.request.user.has_perm("qms_portal.change_role"):
            ctx["details_url"] = reverse("role_list")  # the role's own page is its edit form
        return ctx
