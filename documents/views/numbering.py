"""The numbering page: a unit's code prefix and numbering pattern for documents, the next code of
each document type, and the settings' history. For document controllers
(``documents.change_registersettings`` on the unit)."""

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from django.views.generic import TemplateView

from qms_portal.history import history_entries
from qms_portal.models import Unit
from qms_portal.views.filters import UnitFilter
from qms_portal.views.generic import ObjectFormView, ObjectMixin, ScopedListView

from .. import cached, services
from ..forms import RegisterSettingsForm
from ..models import DocumentType, RegisterSettings
from ..services.register import DEFAULT_PATTERN, register_prefix

PERMISSION = "documents.change_registersettings"


class NumberingListView(ScopedListView):
    """The units whose numbering the user may set, with their prefix and pattern (kept in the cache
    until a unit or a unit's numbering settings change: ``cached.NUMBERING_LIST_GENERATIONS``; the
    counters of the numbering sequences are not shown)."""

    model = Unit
    action = PERMISSION
    filterset_class = UnitFilter
    table_template = "documents/numbering_table.html"
    title = gettext_lazy("Numbering of documents")
    related = ("document_register",)
    cache_generations = cached.NUMBERING_LIST_GENERATIONS

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["default_pattern"] = DEFAULT_PATTERN
        return ctx


class _Page:
    """What the tabs (``generic/tabs.html``) and the History page show: the numbering page of a
    unit, under its own title, with "Details" leading to the settings."""

    def __init__(self, unit):
        self.unit = unit

    def __str__(self):
        return f"{gettext('Numbering of documents')}: {self.unit}"

    def get_absolute_url(self):
        return reverse("documents:numbering_edit", args=[self.unit.pk])


class NumberingMixin:
    model = Unit
    action = PERMISSION

    def settings_row(self):
        return RegisterSettings.objects.filter(unit=self.object).first()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["unit"] = self.object
        ctx["page"] = _Page(self.object)
        ctx["history_url"] = reverse("documents:numbering_history", args=[self.object.pk])
        return ctx


class NumberingView(NumberingMixin, ObjectFormView):
    """Set the prefix and pattern; see the code the next document of each type will get."""

    form_class = RegisterSettingsForm
    template_name = "documents/numbering.html"
    title = gettext_lazy("Numbering of documents")
    success_message = gettext_lazy("The numbering was saved.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        prefix, pattern = register_prefix(self.object)
        kwargs["instance"] = self.settings_row() or RegisterSettings(unit=self.object, prefix=prefix, pattern=pattern)
        return kwargs

    def perform(self, form):
        services.register_settings_save(acting_user=self.request.user, unit=self.object, **form.cleaned_data)
        # Nothing to re-check: the settings belong to the unit this page was opened for (and may be
        # saved by someone who may not read the settings model itself).
        return None

    def get_success_url(self):
        return reverse("documents:numbering_edit", args=[self.object.pk])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["tab"] = "details"
        ctx["saved"] = self.settings_row()
        ctx["next_codes"] = services.next_codes(self.object, DocumentType.objects.all())
        ctx["broken"] = any(code is None for _type, code in ctx["next_codes"])
        ctx["cancel_url"] = reverse("documents:numbering")
        return ctx


class NumberingHistoryView(NumberingMixin, ObjectMixin, TemplateView):
    """The History tab: every change of the unit's prefix and pattern, newest first."""

    template_name = "generic/history.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.get_permission()):
            raise PermissionDenied
        self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        row = self.settings_row()
        ctx["tab"] = "history"
        ctx["object"] = ctx["page"]
        ctx["title"] = str(ctx["page"])
        ctx["entries"] = history_entries(row) if row is not None else []
        return ctx
