"""A revision: its page, editing the draft (with its steps), reviewers, workflow, comparison,
the source file and the controlled-copy PDF."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from qms_portal.diff import changed, fold, side_by_side, text_lines
from qms_portal.permissions import can
from qms_portal.views.generic import (
    HistoryView,
    ObjectFormView,
    ObjectMixin,
    ObjectPdfView,
    ScopedDetailView,
    TransitionView,
)

from .. import services
from ..forms import ReviewersForm, RevisionForm, StepFormSet
from ..models import Revision
from ..time_limits import plain, step_time, step_total, steps_typed
from .register import steps_context

RELATED = ("document__unit", "document__doc_type", "author", "approver")


class RevisionDetailView(ScopedDetailView):
    model = Revision
    template_name = "documents/revision_detail.html"
    related = RELATED

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        revision = self.object
        steps = list(revision.steps.select_related("responsible_unit", "responsible_role", "output_form"))
        ctx.update(steps_context(revision, steps, revision.document))
        ctx["reviewers"] = revision.reviewers.select_related("reviewer")
        ctx["legal_refs"] = revision.legal_refs.all()
        ctx["legal_links"] = self.request.user.has_perm("documents.view_legaldocument")
        ctx["can_edit"] = revision.status == Revision.Status.DRAFT and can(self.request.user, "change", revision)
        # The revisions this reader may open besides this one (the Compare button): none for a
        # reader the document was only distributed to.
        ctx["other_revisions"] = (Revision.objects.restrict(self.request.user, "view")
                                  .filter(document=revision.document_id).exclude(pk=revision.pk)
                                  .defer(*Revision.BULKY).order_by("-number"))
        return ctx


class RevisionHistoryView(HistoryView):
    model = Revision
    related = RELATED


class RevisionTransitionView(TransitionView):
    model = Revision
    related = RELATED
    service = services.revision_transition
    object_kwarg = "revision"


class RevisionEditView(ObjectFormView):
    """The draft editor: content, source file, legal basis and the steps table (a formset), in one
    save. If someone else saved meanwhile, the user is told and keeps what they typed."""

    model = Revision
    form_class = RevisionForm
    formset_classes = {"steps": StepFormSet}
    template_name = "documents/revision_edit.html"
    title = gettext_lazy("Edit the draft")
    success_message = gettext_lazy("The draft was saved.")
    related = RELATED

    def get_object(self, queryset=None):
        revision = super().get_object(queryset)
        if revision.status != Revision.Status.DRAFT:
            raise Http404
        return revision

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["revision"] = self.object
        return kwargs

    def get_initial(self):
        r = self.object
        return {"lock_version": r.lock_version, "reason": r.reason, "content": r.content,
                "effective_date": r.effective_date, "legal_refs": list(r.legal_refs.values_list("pk", flat=True))}

    def formset_in_use(self, name):
        return self.object.document.doc_type.has_steps

    def get_formset_kwargs(self, name):
        return {**super().get_formset_kwargs(name), "user": self.request.user, "unit": self.object.document.unit}

    def get_formset_initial(self, name):
        return [
            {f: getattr(s, f) for f in ("title", "responsible_position", "time_unit", "output")}
            | {"time_limit": plain(s.time_limit), "responsible_unit": s.responsible_unit_id,
               "responsible_role": s.responsible_role_id, "output_form": s.output_form_id}
            for s in self.object.steps.all()
        ]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        steps = self.get_formsets().get("steps")
        ctx["steps"] = steps
        ctx["has_steps"] = steps is not None
        ctx["saved"] = getattr(self, "saved", None)
        if steps is not None:
            # The total as typed (a form sent back with errors) or as saved; the page asks for it
            # again while the steps are typed (StepsTotalView).
            typed = steps_typed(steps.data, steps.prefix) if steps.is_bound else self.object.steps.all()
            ctx["total"] = step_total(typed, self.object.document.legal_time_limit_days)
        return ctx

    def perform(self, form):
        data = form.cleaned_data
        steps = self.formsets.get("steps")
        services.revision_save_draft(
            acting_user=self.request.user, revision=self.object, lock_version=data["lock_version"],
            content=data["content"], reason=data["reason"], effective_date=data["effective_date"],
            legal_refs=data["legal_refs"], upload=data.get("source"),
            steps=steps.steps() if steps is not None else None,
        )
        return self.object

    def on_conflict(self, form, error):
        # Keep what was typed; take the new version number so the next save goes through, and show
        # what the other person saved beside it.
        current = Revision.objects.get(pk=self.object.pk)
        form.data = form.data.copy()
        form.data["lock_version"] = current.lock_version
        self.saved = current


class StepsTotalView(ObjectMixin, View):
    """GET, from the draft editor while the steps are typed (htmx): the steps' total, the legal
    time limit and, when the steps take longer, the warning — before anything is saved."""

    model = Revision
    action = "change"
    related = ("document__unit",)

    def get(self, request, pk):
        revision = self.get_object()
        if revision.status != Revision.Status.DRAFT:
            raise Http404
        total = step_total(steps_typed(request.GET), revision.document.legal_time_limit_days)
        return render(request, "documents/steps_total.html", {"total": total})


class ReviewersView(ObjectFormView):
    model = Revision
    form_class = ReviewersForm
    title = gettext_lazy("Reviewers")
    success_message = gettext_lazy("The reviewers were saved.")
    related = RELATED

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["revision"] = self.object
        return kwargs

    def get_initial(self):
        return {"reviewers": list(self.object.reviewers.values_list("reviewer__username", flat=True))}

    def perform(self, form):
        return services.revision_set_reviewers(acting_user=self.request.user, revision=self.object,
                                               reviewers=form.cleaned_data["reviewers"])


class CompareView(ObjectMixin, View):
    """Two revisions of a document side by side: the text and the steps table. Both must be
    revisions the reader may open: ``?with=`` naming one they may not is 404, as its own page is."""

    model = Revision
    related = RELATED

    def get_base_queryset(self):
        return super().get_base_queryset().defer("search_text")

    def get(self, request, pk):
        new = self.get_object()
        others = Revision.objects.restrict(request.user, "view").filter(document=new.document_id).defer("search_text")
        wanted = request.GET.get("with", "")
        if wanted:
            old = others.filter(pk=wanted).first() if wanted.isdigit() else None
            if old is None:
                raise Http404
        else:
            old = others.filter(number__lt=new.number).order_by("-number").first()
        if old is None:
            if new.number > 1:
                messages.info(request, _("There is no other revision of this document that you may open to "
                                         "compare it with."))
            else:
                messages.info(request, _("This is the first revision: there is nothing to compare it with."))
            return HttpResponseRedirect(new.get_absolute_url())
        if old.number > new.number:
            old, new = new, old
        text_diff = side_by_side(_lines(old), _lines(new))
        full = request.GET.get("full") == "1"
        return render(request, "documents/compare.html", {
            "object": new, "old": old, "new": new, "choices": others.order_by("-number").only("pk", "number", "status"),
            "text_diff": text_diff if full else fold(text_diff),
            "text_changed": changed(text_diff),
            "full": full,
            "step_diff": side_by_side(_step_lines(old), _step_lines(new)),
        })


def _lines(revision):
    return text_lines(revision.content, revision.source_html)


def _step_lines(revision):
    return [
        f"{s.order}. {s.title} — {s.responsible} — {step_time(s)}"
        + (f" — {s.output}" if s.output else "")
        for s in revision.steps.select_related("responsible_unit", "responsible_role")
    ]


class SourceFileView(ObjectMixin, View):
    """The uploaded source file, as an attachment under its original name."""

    model = Revision

    def get(self, request, pk):
        revision = self.get_object()
        if not revision.source_file:
            raise Http404
        return FileResponse(revision.source_file.open("rb"), as_attachment=True,
                            filename=revision.source_name or revision.source_file.name.rsplit("/", 1)[-1])


class RevisionPdfView(ObjectPdfView):
    """The controlled copy. An effective (or obsolete) revision's PDF is rendered once by a task and
    served from storage after that; while it renders, a progress page polls. Drafts and revisions in
    review are rendered on request, with a DRAFT watermark."""

    model = Revision
    related = RELATED

    def pdf_response(self, revision):
        from ..pdf import CACHED_STATES, current_copy, ensure_rendering, issued_copy_response, live_pdf_response

        if revision.status not in CACHED_STATES:
            return live_pdf_response(revision, self.request.user)
        copy = current_copy(revision)
        if copy is not None:
            return issued_copy_response(copy, self.request.user)
        copy = ensure_rendering(revision)
        return render(self.request, "documents/pdf_progress.html", {"object": revision, "copy": copy})


class PdfStatusView(ObjectMixin, View):
    """Polled by the progress page (htmx): the bar, or a redirect to the PDF once it is ready."""

    model = Revision

    def get(self, request, pk):
        from ..models import ControlledCopy
        from ..pdf import copy_language, current_copy

        revision = self.get_object()
        if current_copy(revision) is not None:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = revision.get_absolute_url() + "pdf/"
            return response
        copy = ControlledCopy.objects.filter(revision=revision, language=copy_language()).first()
        return render(request, "documents/pdf_progress_bar.html", {"object": revision, "copy": copy})
