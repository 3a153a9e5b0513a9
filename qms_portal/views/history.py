"""Two versions of one field of a record, from its history, side by side (the History tab links
here for long texts). One URL for every history-tracked model of every area:
``/history/<app_label>/<model>/<pk>/<history id>/<field>/`` compares the record ``history id`` with
the one before it. The object is checked as its own page checks it: 403 when the reader may view
such records nowhere, 404 when this one is outside their scope."""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views import View

from ..diff import changed, fold, side_by_side, text_lines
from ..history import field_label, field_versions, version_text
from ..models import BaseModel
from ..permissions import can, perm_name


def tracked_model(app_label, model_name):
    """The business model ``app_label.model_name`` whose history pages show, or 404."""
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        raise Http404
    if not (issubclass(model, BaseModel) or model is get_user_model()):
        raise Http404
    if getattr(model._meta, "simple_history_manager_attribute", None) is None:
        raise Http404
    return model


def history_url_of(obj):
    meta = type(obj)._meta
    namespace = "" if meta.app_label == "qms_portal" else f"{meta.app_label}:"
    try:
        return reverse(f"{namespace}{meta.model_name}_history", args=[obj.pk])
    except NoReverseMatch:
        return ""


class HistoryCompareView(View):
    template_name = "generic/history_compare.html"

    def get(self, request, app_label, model, pk, history_id, field):
        model_class = tracked_model(app_label, model)
        if not request.user.has_perm(perm_name(model_class, "view")):
            raise PermissionDenied
        queryset = model_class._default_manager.all()
        unit_field = getattr(model_class, "unit_field", None)
        if unit_field:
            queryset = queryset.select_related(unit_field)
        obj = queryset.filter(pk=pk).first()
        if obj is None or not can(request.user, "view", obj):
            raise Http404
        try:
            f, record, previous = field_versions(obj, history_id, field)
        except LookupError:
            raise Http404
        rows = side_by_side(text_lines(version_text(f, previous)), text_lines(version_text(f, record)))
        full = request.GET.get("full") == "1"
        return render(request, self.template_name, {
            "object": obj,
            "label": field_label(f),
            "record": record,
            "previous": previous,
            "rows": rows if full else fold(rows),
            "text_changed": changed(rows),
            "full": full,
            "history_url": history_url_of(obj),
        })
