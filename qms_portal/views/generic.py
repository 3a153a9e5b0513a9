"""Generic, permission-aware views every app subclasses.

* 403 when the user holds the view's permission nowhere;
* 404 when the object is outside their scope (403 when they can see it but not do this to it);
* forms narrowed to what the user may see; the service runs in a transaction and the result is
  checked again inside it, so nobody moves a record out of their own reach.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, TemplateView
from django_filters.views import FilterView

from ..history import PAGE_SIZE, history_page
from ..pagination import CappedPaginator
from ..permissions import can, perm_name
from ..widgets import inline_options
from ..workflow import TransitionError


class ScopedMixin:
    model = None
    action = "view"
    related = ()  # select_related for the queryset
    # A self-service page (my own requests): a login is enough, the queryset does the scoping.
    login_only = False

    def get_permission(self):
        return perm_name(self.model, self.action)

    def dispatch(self, request, *args, **kwargs):
        if not self.login_only and not request.user.has_perm(self.get_permission()):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self):
        """The rows before the reader's scope is applied (override to defer or annotate)."""
        qs = self.model._default_manager.all()
        return qs.select_related(*self.related) if self.related else qs

    def get_queryset(self):
        return self.get_base_queryset().restrict(self.request.user, self.action)


class ObjectMixin(ScopedMixin):
    """Fetches ``self.object``: 404 out of scope, 403 if the user may see it but not do ``action``
    to it. The row is read by its key and then checked with ``can`` (the same rule as ``restrict``,
    on one row, and usually without a query): a lookup by key plans faster than the scope filter."""

    def get_object(self, queryset=None):
        user = self.request.user
        queryset = self.get_base_queryset()
        unit_field = getattr(self.model, "unit_field", None)
        if unit_field:  # the unit comes with the row, so ``can`` decides without a query
            queryset = queryset.select_related(unit_field)
        obj = queryset.filter(pk=self.kwargs["pk"]).order_by().first()
        if obj is None or not can(user, self.action, obj):
            if obj is not None and self.action != "view" and can(user, "view", obj):
                raise PermissionDenied
            raise Http404
        return obj


class ScopedListView(ScopedMixin, FilterView):
    template_name = "generic/list.html"
    paginate_by = 25
    paginator_class = CappedPaginator
    title = ""
    table_template = None
    create_url = None
    create_permission = None

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        inline_options(filterset.form, cached=True)
        return filterset

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = self.title or self.model._meta.verbose_name_plural
        ctx["table_template"] = self.table_template
        if self.create_url and self.request.user.has_perm(self.create_permission or perm_name(self.model, "add")):
            ctx["create_url"] = self.create_url
        return ctx


class ScopedDetailView(ObjectMixin, DetailView):
    tab = "details"
    history_url_name = None  # default: "<app>:<model>_history" ("<model>_history" for the core)

    def get_history_url_name(self):
        if self.history_url_name:
            return self.history_url_name
        meta = self.model._meta
        namespace = "" if meta.app_label == "qms_portal" else f"{meta.app_label}:"
        return f"{namespace}{meta.model_name}_history"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["tab"] = self.tab
        ctx["history_url"] = reverse(self.get_history_url_name(), args=[self.object.pk])
        workflow = getattr(self.model, "workflow", None)
        if workflow is not None:
            ctx["transitions"] = workflow.available(self.object, self.request.user)
        return ctx


class HistoryView(ScopedDetailView):
    """The History tab: readable field changes and workflow transitions, newest first, a page at a
    time (``?before=<history id>`` pages on to older changes)."""

    tab = "history"
    page_size = PAGE_SIZE

    def get_template_names(self):
        return [f"{self.model._meta.app_label}/{self.model._meta.model_name}_history.html", "generic/history.html"]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        before = self.request.GET.get("before", "")
        page = history_page(self.object, limit=self.page_size, before=int(before) if before.isdigit() else None)
        ctx["entries"] = page.entries
        ctx["history_page"] = page
        ctx["older_url"] = f"{self.request.path}?before={page.older}" if page.older else ""
        ctx["newest_url"] = "" if page.newest else self.request.path
        return ctx


class ServiceFormView(ScopedMixin, FormView):
    """A form whose valid data goes to one service. ``perform(form)`` returns the saved object."""

    template_name = "generic/form.html"
    title = ""
    success_message = ""
    object = None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        form_class = self.get_form_class()
        model = getattr(getattr(form_class, "_meta", None), "model", None)
        if self.object is not None and model is type(self.object):
            # A fresh copy for the model form to validate into: the service re-reads and locks the row,
            # so nothing the form sets on its instance leaks into the view's object.
            kwargs["instance"] = model._default_manager.get(pk=self.object.pk)
        return kwargs

    def get_form(self, form_class=None):
        return inline_options(super().get_form(form_class))

    def perform(self, form):
        raise NotImplementedError

    def get_success_url(self):
        return self.result.get_absolute_url()

    def form_valid(self, form):
        try:
            with transaction.atomic():
                self.result = self.perform(form)
                # Re-check inside the transaction: the user must still reach what they saved.
                if self.result is not None and hasattr(self.result, "pk") and not can(
                    self.request.user, "view", self.result
                ):
                    raise ValidationError(
                        _("You would no longer be able to see this record. Choose a unit within your scope.")
                    )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = self.title
        ctx["object"] = self.object
        ctx["cancel_url"] = self.object.get_absolute_url() if self.object is not None else self.request.GET.get(
            "next", ""
        )
        return ctx


class ObjectFormView(ObjectMixin, ServiceFormView):
    """A service form on one existing object (edit, deactivate, reset password…)."""

    action = "change"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.get_permission()):
            raise PermissionDenied
        self.object = self.get_object()
        return super(ScopedMixin, self).dispatch(request, *args, **kwargs)


class TransitionView(ObjectMixin, FormView):
    """Confirms and performs one workflow transition (POST only changes state)."""

    template_name = "generic/transition.html"
    action = "view"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.get_permission()):
            raise PermissionDenied
        self.object = self.get_object()
        try:
            self.transition = self.model.workflow.get(kwargs["transition"])
        except TransitionError:
            raise Http404  # an unknown action in the URL is a page that does not exist, not a 500
        if self.transition.system:
            raise Http404  # done by the portal itself, never from a page
        if not request.user.has_perm(self.transition.permission):
            raise PermissionDenied
        return super(ScopedMixin, self).dispatch(request, *args, **kwargs)

    def get_form_class(self):
        from ..forms import TransitionForm

        return TransitionForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["transition"] = self.transition
        return kwargs

    def form_valid(self, form):
        try:
            self.model.workflow.perform(
                self.object, self.transition.name, acting_user=self.request.user,
                reason=form.cleaned_data.get("reason", ""), password=form.cleaned_data.get("password"),
            )
        except TransitionError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("Recorded: “%(action)s”.") % {"action": self.transition.label})
        return HttpResponseRedirect(self.object.get_absolute_url())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(object=self.object, transition=self.transition)
        return ctx


class PageView(TemplateView):
    """A page that needs only a login (My work, inbox, preferences)."""
