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
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView
from django_filters.views import FilterView

from .. import fragments
from ..history import PAGE_SIZE, history_page
from ..models import Unit
from ..pagination import CappedPaginator, KeysetPaginationMixin
from ..permissions import can, perm_name, scope_fingerprint
from ..services import EditConflict
from ..unit_picker import UnitChoiceFilter
from ..widgets import inline_options
from ..workflow import TransitionError


def safe_url(request, url, default="/"):
    """``url`` when it stays on this site (a path, or this host with the request's scheme), else
    ``default``: a ``next`` parameter, or a link stored in a message, never sends anyone elsewhere
    (``//evil.example/``, ``https://evil.example/``, ``javascript:``…)."""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return url
    return default


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


class ObjectPdfView(ObjectMixin, View):
    """One object's PDF, for whoever may do ``action`` (by default "view") to it, through the same
    mechanism as its page: 403 without the permission anywhere, 404 out of scope. A subclass names
    ``model``, ``related``, ``pdf_template`` and says ``pdf_context(obj)`` and ``pdf_filename(obj)``
    (or overrides ``pdf_response(obj)`` for a PDF made otherwise). When the PDF cannot be made
    (``unavailable``: the PDF engine missing, by default), the person is sent back to ``back_url(obj)``
    (the object's page) with the reason."""

    pdf_template = None
    unavailable = ()  # further exceptions meaning "cannot be made now" (the PDF engine's always is)

    def pdf_context(self, obj):
        return {"object": obj}

    def pdf_filename(self, obj):
        raise NotImplementedError

    def back_url(self, obj):
        return obj.get_absolute_url()

    def pdf_response(self, obj):
        from ..pdf import pdf_response

        return pdf_response(self.pdf_template, self.pdf_context(obj), self.pdf_filename(obj))

    def get(self, request, *args, **kwargs):
        from ..pdf import PdfUnavailable

        obj = self.get_object()
        try:
            return self.pdf_response(obj)
        except (PdfUnavailable, *self.unavailable) as error:
            messages.error(request, " ".join(getattr(error, "messages", None) or [str(error)]))
            return HttpResponseRedirect(self.back_url(obj))


def csrf_placeholder():
    """What a cached piece holds where a form's CSRF token goes (``{% csrf_token %}``): a reader's
    token must never be stored for another request. Not guessable by anyone who types into a field
    a page shows (it is derived from the secret key), the same in every process of a release."""
    return salted_hmac("qms_portal.csrf-placeholder", fragments.release()).hexdigest()


def with_csrf_token(request, content):
    """``content`` (rendered HTML from the cache) with this request's CSRF token in its forms."""
    placeholder = csrf_placeholder()
    if placeholder in content:
        content = content.replace(placeholder, get_token(request))
    return mark_safe(content)  # noqa: S308 - our own rendered template, escaped when it was rendered


class CachedContentMixin:
    """A page whose content (all of it below the navigation: heading, filters, table, pages) is
    rendered by ``render_content()`` from ``content_template`` and, when the view names
    ``cache_generations``, kept as one cached piece (``qms_portal/fragments.py``) while those
    generations stand: per reader, query string, language and day, and per ``content_key_parts()``
    (what else decides what the reader sees: their scope, what they may create). A cached visit
    reads no row of the list and renders no filter. The page's own template shows ``{{ content }}``.
    The content template gets the view's context, ``request`` and ``user`` (no context processor):
    a cached list must name in ``content_key_parts`` every permission its template checks.

    A generation must be bumped by every change to a row the content shows: the fragment check
    (``tests/fragment_check.py``) records what each piece shows and fails when a change to it would
    not retire the piece. Forms in the content get the reader's CSRF token when the page is served,
    never a stored one (``with_csrf_token``)."""

    content_template = None
    cache_generations = None  # a tuple of generation names: the content is cached
    cache_seconds = 300

    def content_key_parts(self):
        return ()

    def content_key(self):
        user, request = self.request.user, self.request
        return fragments.entry_key(
            "content", type(self).__module__, type(self).__qualname__, sorted(self.kwargs.items()), user.pk,
            user.is_superuser, get_language(), timezone.get_current_timezone_name(), timezone.localdate().isoformat(),
            sorted(request.GET.lists()),
            *self.content_key_parts(),
        )

    def get_content_context(self):
        raise NotImplementedError

    def render_content(self):
        context = {**self.get_content_context(), "request": self.request, "user": self.request.user,
                   "csrf_token": csrf_placeholder()}
        return render_to_string(self.content_template, context)

    def content(self):
        if self.cache_generations is None:
            content = self.render_content()
        else:
            content = fragments.cached(self.content_key(), self.cache_generations, self.render_content,
                                       self.cache_seconds)
        return with_csrf_token(self.request, content)

    def get_page_title(self):
        return self.title

    def get(self, request, *args, **kwargs):
        return TemplateResponse(request, self.template_name,
                                {"content": self.content(), "title": self.get_page_title()})


class ScopedListView(CachedContentMixin, ScopedMixin, KeysetPaginationMixin, FilterView):
    """A filtered list of the rows in the reader's scope, 25 a page. A list that can be long
    declares ``keyset`` (its ordering, served by an index where possible) and is paged by cursor
    (``qms_portal.pagination``); the others by page number, counted no further than needed.

    Its content (``content_template``: heading, filters, ``table_template``, pages) is rendered
    apart from the page and, with ``cache_generations``, kept in the cache per reader and scope
    (``CachedContentMixin``)."""

    template_name = "generic/list.html"
    content_template = "generic/list_content.html"
    paginate_by = 25
    paginator_class = CappedPaginator
    title = ""
    table_template = None
    create_url = None
    create_permission = None

    def get_page_title(self):
        return self.title or self.model._meta.verbose_name_plural

    def may_create(self):
        return bool(self.create_url) and self.request.user.has_perm(
            self.create_permission or perm_name(self.model, "add"))

    def content_key_parts(self):
        """The reader's scope for the list's permission, whether they may create, and the units
        its unit filters accept (``filter_scope_parts``)."""
        return (scope_fingerprint(self.request.user, self.get_permission()), self.may_create(),
                *self.filter_scope_parts())

    def filter_scope_parts(self):
        """The reader's scope for the permission on units of each unit filter (``UnitChoiceFilter``:
        the units it accepts and names back), one per permission."""
        filters = getattr(self.filterset_class, "base_filters", {}).values()
        perms = sorted({perm_name(Unit, f.scope.action) for f in filters
                        if isinstance(f, UnitChoiceFilter) and f.scope.action is not None})
        return tuple(scope_fingerprint(self.request.user, perm) for perm in perms)

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        inline_options(filterset.form)
        return filterset

    def get_content_context(self):
        """The filters, the rows of this page and the pages (the rows are read here only)."""
        self.filterset = self.get_filterset(self.get_filterset_class())
        if not self.filterset.is_bound or self.filterset.is_valid() or not self.get_strict():
            self.object_list = self.filterset.qs
        else:
            self.object_list = self.filterset.queryset.none()
        return self.get_context_data(filter=self.filterset, object_list=self.object_list)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = self.get_page_title()
        ctx["table_template"] = self.table_template
        if self.may_create():
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
    """A form (and any formsets: ``formset_classes``) whose valid data goes to one service.
    ``perform(form)`` calls it and returns the saved object; the formsets are in ``self.formsets``
    (a checklist's answers, the corrective actions of a plan, a KPI grid, an attendance list).

    The service runs in a transaction and the result is checked inside it: the user must still be
    able to see what they saved. Any ``ValidationError`` becomes a message on the form, with what
    the user typed kept (formsets included). An ``EditConflict`` (someone else saved the record
    meanwhile) also calls ``on_conflict(form, error)``, where a view takes the new version so that
    the next save goes through."""

    template_name = "generic/form.html"
    title = ""
    success_message = ""
    object = None
    formset_classes = {}  # name → formset class

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

    # --- formsets ---------------------------------------------------------------------------------
    def formset_in_use(self, name):
        """Whether the formset ``name`` belongs to this form now (a procedure has steps, a manual
        none): a formset not in use is neither shown, checked nor passed on."""
        return True

    def get_formset_kwargs(self, name):
        kwargs = {"prefix": name}
        if self.request.method in ("POST", "PUT"):
            kwargs.update(data=self.request.POST, files=self.request.FILES)
        else:
            kwargs["initial"] = self.get_formset_initial(name)
        return kwargs

    def get_formset_initial(self, name):
        return []

    def get_formsets(self):
        if not hasattr(self, "formsets"):
            self.formsets = {name: inline_options_formset(cls(**self.get_formset_kwargs(name)))
                             for name, cls in self.formset_classes.items() if self.formset_in_use(name)}
        return self.formsets

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        formsets = self.get_formsets()
        if form.is_valid() and all(f.is_valid() for f in formsets.values()):
            return self.form_valid(form)
        return self.form_invalid(form)

    # --- the service ------------------------------------------------------------------------------
    def perform(self, form):
        raise NotImplementedError

    def get_success_url(self):
        return self.result.get_absolute_url()

    def on_conflict(self, form, error):
        """Someone else saved meanwhile (``EditConflict``): nothing was written; a view with a
        version field takes the new version here so that saving again goes through."""

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
            if isinstance(error, EditConflict):
                self.on_conflict(form, error)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = self.title
        ctx["object"] = self.object
        ctx["formsets"] = self.get_formsets()
        ctx["cancel_url"] = self.object.get_absolute_url() if self.object is not None else safe_url(
            self.request, self.request.GET.get("next", ""), default="")
        return ctx


def inline_options_formset(formset):
    for form in formset.forms:
        inline_options(form)
    return formset


class ObjectFormView(ObjectMixin, ServiceFormView):
    """A service form on one existing object (edit, deactivate, reset password…)."""

    action = "change"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.get_permission()):
            raise PermissionDenied
        self.object = self.get_object()
        return super(ScopedMixin, self).dispatch(request, *args, **kwargs)


class ActionView(ObjectMixin, View):
    """POST only: one service call on one object (deactivate, acknowledge, open a draft…), a message,
    and a redirect to a safe place: the ``next`` parameter when it stays on the site, else
    ``get_success_url``. ``perform(obj)`` calls the service; a ``ValidationError`` it raises is
    shown as an error message and nothing is saved (the call runs in a transaction)."""

    http_method_names = ["post"]
    success_message = ""

    def perform(self, obj):
        raise NotImplementedError

    def get_success_url(self, obj, result):
        return obj.get_absolute_url()

    def get_failure_url(self, obj):
        return obj.get_absolute_url()

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        try:
            with transaction.atomic():
                result = self.perform(obj)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(safe_url(request, request.POST.get("next"), self.get_failure_url(obj)))
        if self.success_message:
            messages.success(request, self.success_message)
        return HttpResponseRedirect(safe_url(request, request.POST.get("next"), self.get_success_url(obj, result)))


class TransitionView(ObjectMixin, FormView):
    """Confirms and performs one workflow transition through the area's service (POST only changes
    state). ``service`` is the area's transition service, called as
    ``service(acting_user=…, <object_kwarg>=obj, name=…, reason=…, password=…, data=…)`` where
    ``data`` holds the extra fields of the transition's own form (``Transition.form_class``).

    The page answers as the POST would: 404 for an unknown or a system transition, 403 when the
    user may not take it on this record; a guard that stops it now (the author approving their own
    revision…) is said on the page, and every error the service raises becomes a message on the
    form, with what the user typed kept."""

    template_name = "generic/transition.html"
    action = "view"
    service = None
    object_kwarg = None  # default: the model's name ("revision", "accessrequest")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.get_permission()):
            raise PermissionDenied
        self.object = self.get_object()
        try:
            self.transition = self.model.workflow.get_manual(kwargs["transition"])
        except TransitionError:
            raise Http404  # unknown, or done by the portal itself: not a page that exists
        if not can(request.user, self.transition.permission, self.object):
            raise PermissionDenied
        return super(ScopedMixin, self).dispatch(request, *args, **kwargs)

    def get_form_class(self):
        from ..forms import TransitionForm

        return self.transition.form_class or TransitionForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(transition=self.transition, obj=self.object, user=self.request.user)
        return kwargs

    def call_service(self, form):
        kwargs = {self.object_kwarg or self.model._meta.model_name: self.object}
        return type(self).service(
            acting_user=self.request.user, name=self.transition.name, reason=form.cleaned_data.get("reason", ""),
            password=form.cleaned_data.get("password"), data=form.extra_data(), **kwargs,
        )

    def form_valid(self, form):
        try:
            self.call_service(form)
        except ValidationError as error:  # a TransitionError, or any rule a service checks inside it
            for message in error.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        messages.success(self.request, _("Recorded: “%(action)s”.") % {"action": self.transition.label})
        return HttpResponseRedirect(self.object.get_absolute_url())

    def blocked(self):
        """Why the transition cannot be taken now (its state, a guard), said before anyone types."""
        workflow, obj, user = self.model.workflow, self.object, self.request.user
        if workflow.state(obj) not in self.transition.sources:
            return [_("This cannot be done now: the record is “%(state)s”.") % {
                "state": obj.get_status_display() if hasattr(obj, "get_status_display") else workflow.state(obj)}]
        return [str(g.message) for g in self.transition.guards if not g(obj, user)]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(object=self.object, transition=self.transition, blocked=self.blocked())
        return ctx


class PageView(TemplateView):
    """A page that needs only a login (My work, inbox, preferences)."""
