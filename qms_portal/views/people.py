"""Portal pages for people: list, create, edit, deactivate, passwords, import."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy, ngettext

from .. import fragments, services
from ..forms import ImportForm, SetPasswordForm, UserCreateForm, UserForm
from ..imports import ImportRejected, import_users
from ..models import RoleAssignment, User
from .filters import UserFilter
from .generic import ActionView, HistoryView, ObjectFormView, ScopedDetailView, ScopedListView, ServiceFormView


class UserListView(ScopedListView):
    model = User
    filterset_class = UserFilter
    content_template = "qms_portal/user_list_content.html"  # the generic list and a link to the import page
    table_template = "qms_portal/user_table.html"
    title = gettext_lazy("People")
    create_url = "user_create"
    related = ("primary_unit",)
    keyset = ("full_name", "username", "pk")  # the index user_name_order serves it
    cache_generations = (fragments.PEOPLE_LIST, fragments.UNITS)

    def content_key_parts(self):
        return (*super().content_key_parts(), self.request.user.has_perm("qms_portal.add_user"))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_import"] = self.request.user.has_perm("qms_portal.add_user")
        return ctx


class UserDetailView(ScopedDetailView):
    model = User
    template_name = "qms_portal/user_detail.html"
    related = ("primary_unit",)
    context_object_name = "person"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        visible = RoleAssignment.objects.restrict(user, "view").filter(user=self.object)
        ctx["assignments"] = visible.current().select_related("role", "unit", "granted_by")
        # Which of them this user may end: one query, not one per row.
        ctx["endable"] = set(
            RoleAssignment.objects.restrict(user, "delete").current().filter(user=self.object)
            .values_list("pk", flat=True)
        )
        ctx["show_ended"] = self.request.GET.get("ended") == "1"
        if ctx["show_ended"]:
            ctx["ended_assignments"] = visible.ended().select_related("role", "unit", "ended_by").order_by(
                "-ended_at", "-pk")
        return ctx


class UserHistoryView(HistoryView):
    model = User
    context_object_name = "person"


class UserCreateView(ServiceFormView):
    model = User
    action = "add"
    form_class = UserCreateForm
    title = gettext_lazy("New person")
    success_message = gettext_lazy("The person was added.")

    def perform(self, form):
        data = dict(form.cleaned_data)
        return services.user_create(
            acting_user=self.request.user, send_set_password_link=not data.get("password"), request=self.request,
            **data,
        )


class UserUpdateView(ObjectFormView):
    model = User
    form_class = UserForm
    title = gettext_lazy("Edit person")
    success_message = gettext_lazy("The person was saved.")

    def perform(self, form):
        return services.user_update(acting_user=self.request.user, user=self.object, **form.cleaned_data)


class UserPasswordView(ObjectFormView):
    model = User
    action = "qms_portal.deactivate_user"
    form_class = SetPasswordForm
    title = gettext_lazy("Set a temporary password")
    success_message = gettext_lazy("The password was set. The person must change it at next login.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["target"] = self.object
        return kwargs

    def perform(self, form):
        return services.user_set_password(
            acting_user=self.request.user, user=self.object, password=form.cleaned_data["password1"]
        )


class UserActivateView(ActionView):
    model = User
    action = "qms_portal.deactivate_user"
    success_message = gettext_lazy("The person was updated.")

    def perform(self, person):
        return services.user_set_active(acting_user=self.request.user, user=person,
                                        active=self.request.POST.get("active") == "1")


class UserImportView(ServiceFormView):
    """All or nothing: every row is checked first; one bad row saves nothing and lists every error."""

    model = User
    action = "add"
    form_class = ImportForm
    template_name = "qms_portal/user_import.html"
    title = gettext_lazy("Import people")

    def form_valid(self, form):
        try:
            created = import_users(
                acting_user=self.request.user, upload=form.cleaned_data["file"],
                send_links=form.cleaned_data["send_links"], request=self.request,
            )
        except ImportRejected as rejected:
            return render(self.request, self.template_name, self.get_context_data(form=form, errors=rejected.errors,
                                                                                 file_error=rejected.message))
        messages.success(self.request, ngettext("%(count)s person was imported.", "%(count)s people were imported.",
                                                len(created)) % {"count": len(created)})
        return HttpResponseRedirect(reverse("user_list"))


def people_search(request):
    """The people picker's options (``qms_portal.people_picker``): the people of the field's scope
    that match ``q``, as JSON, at most ``RESULTS``, each with their unit and position. The scope is
    the signed one the field was rendered with, applied for the person asking; without one, the
    people they may view. A forged scope, or one made for someone else, is refused."""
    from django.http import HttpResponseBadRequest, JsonResponse

    from ..people_picker import RESULTS, PeopleScope, person_option, person_place, search_people

    token = request.GET.get("scope")
    scope = PeopleScope.from_token(token, request.user) if token else PeopleScope()
    if scope is None:
        return HttpResponseBadRequest("bad scope", content_type="text/plain")
    query = request.GET.get("q", "")[:100]
    people = search_people(scope.queryset(request.user), query).select_related("primary_unit").only(
        "pk", "username", "full_name", "position", "primary_unit__name")
    found = list(people[:RESULTS + 1])
    response = JsonResponse({"results": [person_option(p, person_place(p)) for p in found[:RESULTS]],
                             "more": len(found) > RESULTS})
    response["Cache-Control"] = "private, no-store"
    return response
