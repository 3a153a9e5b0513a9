"""The announcement of conformity (công bố HTQLCL phù hợp): the register of units for the supervising
agency, a unit's announcement (form, page, history, signing) and its document as a PDF."""

import re

from django.utils import timezone
from django.utils.translation import gettext_lazy

from qms_portal.models import Unit
from qms_portal.permissions import can, scope_fingerprint
from qms_portal.views.generic import (
    HistoryView,
    ObjectFormView,
    ObjectPdfView,
    ScopedDetailView,
    ScopedListView,
    ServiceFormView,
    TransitionView,
)

from .. import cached, services
from ..announcements import (
    STATUS_BADGES,
    STATUS_LABELS,
    announcement_scope,
    late_days,
    register_units,
    unit_status,
    with_standings,
)
from ..filters import AnnouncementRegisterFilter
from ..forms import AnnouncementForm
from ..models import Announcement

ADD = "documents.add_announcement"


class AnnouncementRegisterView(ScopedListView):
    """One row per unit in the reader's scope that runs its own QMS or owns an effective document:
    its current announcement (number, date, documents covered) and its status — current, scope
    changed since (documents added and withdrawn), never announced, late. The page's units are one
    query; what their rows say, a few grouped queries over those units only
    (``announcements.standings``), or over every unit listed when the list is filtered by status.
    The content is cached (``cached.ANNOUNCEMENT_REGISTER_GENERATIONS``; the day is in its key)."""

    model = Unit
    action = "documents.view_announcement"
    filterset_class = AnnouncementRegisterFilter
    content_template = "documents/announcement_register_content.html"
    cache_generations = cached.ANNOUNCEMENT_REGISTER_GENERATIONS
    title = gettext_lazy("Announcements of conformity")
    create_url = "documents:announcement_create"
    create_permission = ADD

    def get_queryset(self):
        return register_units(self.request.user).only("pk", "code", "name", "path", "key", "kind", "is_active")

    def content_key_parts(self):
        """Also where the reader may announce (each row offers "Announce" there)."""
        return (*super().content_key_parts(), scope_fingerprint(self.request.user, ADD))

    def complete_rows(self, rows):
        return with_standings(rows, self.filterset.standings)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        for unit in ctx["object_list"]:
            unit.status_label = STATUS_LABELS[unit.announcement_status]
            unit.status_badge = STATUS_BADGES[unit.announcement_status]
            unit.may_announce = can(user, ADD, unit)
        ctx["late_days"] = late_days()
        return ctx


class AnnouncementCreateView(ServiceFormView):
    model = Announcement
    action = "add"
    form_class = AnnouncementForm
    title = gettext_lazy("New announcement of conformity")
    success_message = gettext_lazy("The announcement was saved as a draft.")

    def get_initial(self):
        unit = self.request.GET.get("unit", "")
        return {"unit": int(unit) if unit.isdigit() else self.request.user.primary_unit_id,
                "decision_date": timezone.localdate()}

    def perform(self, form):
        return services.announcement_create(acting_user=self.request.user, **form.cleaned_data)


class AnnouncementUpdateView(ObjectFormView):
    model = Announcement
    form_class = AnnouncementForm
    title = gettext_lazy("Edit announcement of conformity")
    success_message = gettext_lazy("The announcement was saved.")

    def perform(self, form):
        return services.announcement_update(acting_user=self.request.user, announcement=self.object,
                                            **form.cleaned_data)


def covered_documents(announcement):
    """What the announcement covers: frozen when it was signed; a draft's, what it would cover now."""
    if announcement.status == Announcement.Status.DRAFT:
        return [{"code": d.code, "title": d.title, "revision": d.current_revision.label, "url": d.get_absolute_url()}
                for d in announcement_scope(announcement.unit_id)]
    return [{"code": i.code, "title": i.title, "revision": i.revision.label, "url": i.document.get_absolute_url()}
            for i in announcement.items.select_related("revision", "document").only(
                "code", "title", "revision__number", "document__id")]


class AnnouncementDetailView(ScopedDetailView):
    model = Announcement
    template_name = "documents/announcement_detail.html"
    related = ("unit", "prepared_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        announcement, user = self.object, self.request.user
        ctx["documents"] = covered_documents(announcement)
        ctx["can_edit"] = announcement.status == Announcement.Status.DRAFT and can(user, "change", announcement)
        ctx["others"] = Announcement.objects.filter(unit_id=announcement.unit_id).exclude(pk=announcement.pk)
        row = unit_status(announcement.unit)
        ctx["unit_row"] = row
        ctx["unit_status"] = STATUS_LABELS[row.announcement_status]
        ctx["unit_badge"] = STATUS_BADGES[row.announcement_status]
        return ctx


class AnnouncementHistoryView(HistoryView):
    model = Announcement
    related = ("unit",)


class AnnouncementTransitionView(TransitionView):
    model = Announcement
    service = services.announcement_transition
    object_kwarg = "announcement"


class AnnouncementPdfView(ObjectPdfView):
    """The announcement document (the national form's heading, the decision, the scope and the
    documents covered, the signature) in the reader's language."""

    model = Announcement
    related = ("unit",)
    pdf_template = "pdf/announcement.html"

    def pdf_context(self, announcement):
        from qms_portal.workflow import transitions_of

        return {"announcement": announcement, "documents": covered_documents(announcement),
                "signatures": [t for t in transitions_of(announcement) if t.signature_meaning],
                "today": timezone.localdate()}

    def pdf_filename(self, announcement):
        number = re.sub(r"[^A-Za-z0-9._-]+", "-", announcement.decision_number).strip("-") or str(announcement.pk)
        return f"announcement-{number}.pdf"
