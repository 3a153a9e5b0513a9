"""The checklist of an audit: the on-site page (made for a phone: large targets, a compact list or one
question at a time, each answer saved as it is entered through htmx, kept in the browser while the
connection is down — ``static/js/checklist.js``), and the pages that build and arrange it.

Every URL is the audit's (``pk``), the item a second argument: the rights are the audit's (its role
scope and the single-object grants of the lead auditor, the team and the auditees)."""

import uuid
from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView

from qms_portal.history import PAGE_SIZE, history_page
from qms_portal.links import pk_url
from qms_portal.models import Attachment
from qms_portal.permissions import can
from qms_portal.views.generic import HistoryView, ObjectFormView, ObjectMixin, ServiceFormView

from ..forms.checklist import ChecklistBuildForm, ChecklistItemForm, FromTemplateForm, SaveAsTemplateForm
from ..models import Audit, ChecklistItem
from ..services import checklist as services
from ..services import checklist_templates as template_services
from . import checklist_cards as cards

CONDUCT = services.CONDUCT


def checklist_url(audit, item=None, forms=False):
    """The checklist page (``forms``: with each question's form written out, for a phone without
    JavaScript), at ``item``."""
    url = reverse("audits:checklist", args=[audit.pk]) + ("?forms=1" if forms else "")
    return f"{url}#item-{item.pk}" if item is not None else url


def audit_url(audit):
    """The audit's own page (the plan part's), or the checklist while that page is not there."""
    try:
        return audit.get_absolute_url()
    except NoReverseMatch:
        return checklist_url(audit)


def is_htmx(request):
    return request.headers.get("HX-Request") == "true"


def photos_by_item(items):
    """The current photos of ``items``, by item id: one query for the whole checklist."""
    ids = [item.pk for item in items]
    rows = Attachment.objects.filter(content_type=ContentType.objects.get_for_model(ChecklistItem),
                                     object_id__in=ids, withdrawn_at__isnull=True).order_by("created_at", "pk")
    found = defaultdict(list)
    for row in rows.only("pk", "object_id", "kind", "original_name", "caption", "created_at"):
        found[row.object_id].append(row)
    return found


_LABELS = {}


def item_labels():
    """The words every question repeats, translated once per language in a process."""
    language = get_language()
    found = _LABELS.get(language)
    if found is None:
        found = _LABELS[language] = {
            "answer": _("Answer"), "attach": _("Attach the photo"), "clause": _("Clause"), "history": _("History"),
            "notes": _("Notes"), "save": _("Save"), "saved": _("Saved"), "take_photo": _("Take a photo"),
            "not_answered": _("Not answered"),
            "photo_attached": _("Photo attached."), "evidence_photo": _("Evidence photo"),
            "answers": [(value, escape(label)) for value, label in ChecklistItem.Answer.choices],
        }
        found["html"] = {"clause": escape(found["clause"]), "history": escape(found["history"]),
                         "not_answered": escape(found["not_answered"]), "answers": dict(found["answers"])}
    return found


def choice_buttons(pk, chosen):
    """The four answer buttons of a question (radio inputs styled as large buttons), written out
    here rather than by a template loop for each of hundreds of questions: the values are the
    fixed choices, the key an integer, the labels escaped."""
    lines = []
    for value, label in item_labels()["answers"]:
        checked = " checked" if chosen == value else ""
        lines.append(f'<input class="btn-check" type="radio" name="answer" value="{value}" id="a-{int(pk)}-{value}" '
                     f'autocomplete="off"{checked}>\n'
                     f'<label class="btn btn-lg choice-{value}" for="a-{int(pk)}-{value}">{label}</label>')
    return mark_safe("\n".join(lines))  # noqa: S308 - fixed values, an integer key, escaped labels


def item_context(request, audit, item, *, photos=None, may_answer=None, state=None, error=None, conflict=None,
                 typed=None, forms=True):
    """What ``audits/checklist/item.html`` shows for one item (``typed``: the answer and notes sent
    and refused, shown again in the form so that nothing typed is lost). With ``forms`` (a phone
    without JavaScript; the item htmx gets back) the answer and photo forms are written out;
    without, the page's script gives the question the form written once in the page."""
    if may_answer is None:
        may_answer = services.answer_refusal(request.user, audit) is None
    if photos is None:
        photos = photos_by_item([item])[item.pk]
    forms = forms and may_answer
    shown_answer = typed["answer"] if typed else item.answer
    context = {
        "audit": audit, "item": item, "photos": photos, "may_answer": may_answer, "forms": forms,
        "state": state, "error": error, "conflict": conflict,
        # the labels translated once per language, the numbers as text: written hundreds of times
        "t": item_labels(), "pk": str(item.pk), "version": str(item.version), "position": str(item.position),
        "shown_answer": shown_answer, "shown_notes": typed["notes"] if typed else item.notes,
        # its addresses without resolving a pattern for each (a checklist has hundreds of questions)
        "urls": {"history": pk_url("audits:checklist_item_history", audit.pk, item.pk)},
        "request": request,
    }
    # the parts the page writes for each question without the template engine (checklist_cards),
    # called by item.html for the item alone
    context.update(head_html=lambda: cards.head(context), current_html=lambda: cards.current(context),
                   photos_html=lambda: cards.photos(context))
    if forms or conflict:
        context["urls"].update({name: pk_url(f"audits:checklist_{name}", audit.pk, item.pk)
                                for name in ("answer", "item", "photo")})
    if forms:
        # each form its own idempotency key: an answer, a photo
        context.update(key=uuid.uuid4(), photo_key=uuid.uuid4(), choice_buttons=choice_buttons(item.pk, shown_answer))
    if conflict:
        context["conflict_key"] = uuid.uuid4()  # keeping one's answer after a conflict
    return context


class AuditObjectMixin(ObjectMixin):
    """The audit of the URL (``pk``), checked for ``action``; ``get_item()`` one of its items."""

    model = Audit
    related = ("unit", "lead_auditor")

    def get_item(self, audit):
        item = audit.items.select_related("clause", "procedure", "answered_by").filter(pk=self.kwargs["item"]).first()
        if item is None:
            raise Http404
        item.audit = audit
        return item


# What the page shows of each question (not the whole procedure document, nor the whole person)
PAGE_FIELDS = ("id", "audit_id", "position", "question", "answer", "notes", "answered_at", "version",
               "clause__number", "procedure__code", "answered_by__full_name", "answered_by__username")


class ChecklistView(AuditObjectMixin, View):
    """The on-site page."""

    action = "view"

    def get(self, request, pk):
        audit = self.get_object()
        user = request.user
        items = list(audit.items.select_related("clause", "procedure", "answered_by").order_by("position", "id")
                     .only(*PAGE_FIELDS))
        photos = photos_by_item(items)
        refusal = services.answer_refusal(user, audit)
        may_answer = refusal is None
        conducts = services.may_conduct(user, audit)
        may_edit = services.edit_refusal(user, audit) is None
        arrange = may_edit and request.GET.get("arrange") == "1"
        # Each question's answer form written out only for a phone without JavaScript (``?forms=1``,
        # where such a phone is sent by the page's <noscript>): with JavaScript, the page holds the
        # form once and the script gives it to each question.
        forms = request.GET.get("forms") == "1"
        rows = [item_context(request, audit, item, photos=photos[item.pk], may_answer=may_answer, forms=forms)
                for item in items]
        context = {
            "title": _("Checklist"), "audit": audit, "rows": rows, "progress": services.progress(audit),
            # with JavaScript (or reading only), the questions written at once, without the template engine
            "cards": cards.cards(rows) if not arrange and not forms else None,
            "may_answer": may_answer, "refusal": refusal if conducts else None, "may_edit": may_edit,
            "arrange": arrange, "audit_url": audit_url(audit), "forms": forms, "t": item_labels(),
            "may_keep_template": bool(items) and user.has_perm(template_services.ADD_TEMPLATE),
        }
        if may_answer and not forms and not arrange:
            context.update(forms_url=f"{request.path}?forms=1", answers=item_labels()["answers"], item_mark=ITEM_MARK,
                           item_urls={name: pk_url(f"audits:checklist_{name}", audit.pk, ITEM_MARK)
                                      for name in ("answer", "photo")})
        response = TemplateResponse(request, "audits/checklist/checklist.html", context)
        if not arrange and not forms:
            # the service worker keeps a copy of this page (and of no page without this header)
            response[OFFLINE_COPY_HEADER] = "checklist"
        return response


OFFLINE_COPY_HEADER = "X-Offline-Copy"
ITEM_MARK = 2147480000  # in the page's item addresses, where the script puts each question's key


class ChecklistServiceWorkerView(View):
    """The checklist's service worker (``templates/audits/checklist/service_worker.js``): served
    here, not from ``/static/``, so that its scope is ``/audits/`` (a worker controls the pages
    below the folder of its script). Any signed-in person may load it: it holds no data."""

    http_method_names = ["get"]

    def get(self, request):
        response = render(request, "audits/checklist/service_worker.js", {"static_url": settings.STATIC_URL},
                          content_type="text/javascript; charset=utf-8")
        response["Cache-Control"] = "no-cache"
        return response


class ChecklistItemView(AuditObjectMixin, View):
    """One item as the page shows it (htmx: the fragment; otherwise the page at that item)."""

    action = "view"

    def get(self, request, pk, item):
        audit = self.get_object()
        item = self.get_item(audit)
        if not is_htmx(request):
            return HttpResponseRedirect(checklist_url(audit, item))
        return render(request, "audits/checklist/item.html", item_context(request, audit, item))


class ChecklistAnswerView(AuditObjectMixin, View):
    """POST: one answer (``answer``, ``notes``, ``key``, ``base_version``), saved once per key.
    htmx gets the item back (saved, or the conflict with both answers, or why not); a form sent
    without JavaScript goes back to the page at the item."""

    action = CONDUCT
    http_method_names = ["post"]

    def post(self, request, pk, item):
        audit = self.get_object()
        item = self.get_item(audit)
        data = request.POST
        state = error = conflict = typed = None
        try:
            result = services.checklist_item_answer(
                acting_user=request.user, item=item, answer=data.get("answer", ""), notes=data.get("notes", ""),
                key=data.get("key"), base_version=data.get("base_version"))
            item, state = result.item, "replayed" if result.replayed else "saved"
        except services.AnswerConflict as clash:
            item, conflict = clash.item, {"answer": clash.answer, "notes": clash.notes,
                                          "answer_label": dict(ChecklistItem.Answer.choices).get(clash.answer, "")}
            error = clash.messages[0]
        except PermissionDenied:
            raise
        except ValidationError as problem:
            error = " ".join(problem.messages)
            item = self.get_item(audit)
            typed = {"answer": data.get("answer", ""), "notes": data.get("notes", "")}
        item.audit = audit
        if is_htmx(request):
            response = render(request, "audits/checklist/item.html", item_context(
                request, audit, item, state=state, error=error, conflict=conflict, typed=typed))
            response["X-Checklist-Result"] = "conflict" if conflict else "error" if error else state
            return response
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("Answer saved."))
        return HttpResponseRedirect(checklist_url(audit, item, forms=True))


class ChecklistPhotoView(AuditObjectMixin, View):
    """POST: an evidence photo for an item (``photo``, ``key``), attached once per key."""

    action = CONDUCT
    http_method_names = ["post"]

    def post(self, request, pk, item):
        audit = self.get_object()
        item = self.get_item(audit)
        upload = request.FILES.get("photo")
        state = error = None
        if upload is None:
            error = _("Choose a photo to attach.")
        else:
            try:
                attached = services.checklist_item_photo_add(acting_user=request.user, item=item, upload=upload,
                                                             key=request.POST.get("key"),
                                                             caption=request.POST.get("caption", "")[:300])
                state = "photo" if attached is not None else "replayed"
            except ValidationError as problem:
                error = " ".join(problem.messages)
        item = self.get_item(audit)
        if is_htmx(request):
            response = render(request, "audits/checklist/item.html",
                              item_context(request, audit, item, state=state, error=error))
            response["X-Checklist-Result"] = "error" if error else state
            return response
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("Photo attached."))
        return HttpResponseRedirect(checklist_url(audit, item, forms=True))


# --- building and arranging ------------------------------------------------------------------------------
class ChecklistFormView(AuditObjectMixin, ObjectFormView):
    """A form about the audit's checklist (conducting the audit), back to the checklist."""

    action = CONDUCT
    template_name = "audits/checklist/form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        return kwargs

    def get_success_url(self):
        return checklist_url(self.object)

    def get_context_data(self, **kwargs):
        # The generic view's context without its cancel link (the audit's page): back to the checklist.
        ctx = super(ServiceFormView, self).get_context_data(**kwargs)
        ctx.update(title=self.title, object=self.object, formsets=self.get_formsets(),
                   cancel_url=checklist_url(self.object), audit=self.object)
        ctx["refusal"] = services.edit_refusal(self.request.user, self.object)
        return ctx


class ChecklistBuildView(ChecklistFormView):
    form_class = ChecklistBuildForm
    title = gettext_lazy("Build the checklist")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "audit": self.object}

    def perform(self, form):
        made = services.checklist_build(acting_user=self.request.user, audit=self.object,
                                        clauses=list(form.cleaned_data["clauses"]),
                                        procedures=list(form.cleaned_data["procedures"]))
        messages.success(self.request, _("%(count)d questions added.") % {"count": len(made)})
        return None


class ChecklistItemAddView(ChecklistFormView):
    form_class = ChecklistItemForm
    title = gettext_lazy("Add a question")
    success_message = gettext_lazy("The question was added.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "audit": self.object}

    def perform(self, form):
        self.item = services.checklist_item_add(acting_user=self.request.user, audit=self.object, **form.cleaned_data)
        return None

    def get_success_url(self):
        return checklist_url(self.object, self.item) if getattr(self, "item", None) else checklist_url(self.object)


class ChecklistItemEditView(ChecklistFormView):
    form_class = ChecklistItemForm
    title = gettext_lazy("Change the question")
    success_message = gettext_lazy("The question was saved.")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.get_permission()):
            raise PermissionDenied
        self.object = self.get_object()
        self.item = self.get_item(self.object)
        return super(ObjectMixin, self).dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"question": self.item.question, "clause": self.item.clause_id, "procedure": self.item.procedure_id}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "audit": self.object}

    def perform(self, form):
        services.checklist_item_update(acting_user=self.request.user, item=self.item, **form.cleaned_data)
        return None

    def get_success_url(self):
        return reverse("audits:checklist", args=[self.object.pk]) + f"?arrange=1#item-{self.item.pk}"


class ChecklistItemActionView(AuditObjectMixin, View):
    """POST: move (``direction`` up / down) or remove a question; back to the arranged list."""

    action = CONDUCT
    http_method_names = ["post"]
    operation = None

    def post(self, request, pk, item):
        audit = self.get_object()
        item = self.get_item(audit)
        try:
            with transaction.atomic():
                if self.operation == "remove":
                    services.checklist_item_remove(acting_user=request.user, item=item)
                    messages.success(request, _("The question was removed."))
                else:
                    services.checklist_item_move(acting_user=request.user, item=item,
                                                 direction=request.POST.get("direction", ""))
        except ValidationError as problem:
            messages.error(request, " ".join(problem.messages))
        url = reverse("audits:checklist", args=[audit.pk]) + "?arrange=1"
        return HttpResponseRedirect(url if self.operation == "remove" else f"{url}#item-{item.pk}")


class ChecklistItemHistoryView(AuditObjectMixin, HistoryView):
    """The History tab of one question: its text, clause, position and every answer given."""

    action = "view"

    def get_object(self, queryset=None):
        audit = ObjectMixin.get_object(self)
        return self.get_item(audit)

    def get_context_data(self, **kwargs):
        ctx = DetailView.get_context_data(self, **kwargs)
        before = self.request.GET.get("before", "")
        page = history_page(self.object, limit=PAGE_SIZE, before=int(before) if before.isdigit() else None)
        ctx.update(tab="history", entries=page.entries, history_page=page,
                   older_url=f"{self.request.path}?before={page.older}" if page.older else "",
                   newest_url="" if page.newest else self.request.path,
                   history_url=self.request.path, details_url=checklist_url(self.object.audit, self.object))
        return ctx

    def get_template_names(self):
        return ["generic/history.html"]


# --- templates -------------------------------------------------------------------------------------------
class SaveAsTemplateView(ChecklistFormView):
    """Keep the questions for next year (in a unit where the person keeps templates)."""

    action = "view"
    form_class = SaveAsTemplateForm
    title = gettext_lazy("Save as a template")
    success_message = gettext_lazy("The checklist was saved as a template.")

    def get_initial(self):
        unit = self.object.unit
        initial = {"name": f"{self.object.title} ({self.object.starts_on.year})"}
        if can(self.request.user, template_services.ADD_TEMPLATE, unit):
            initial["unit"] = unit.pk
        return initial

    def perform(self, form):
        return template_services.checklist_save_as_template(acting_user=self.request.user, audit=self.object,
                                                            unit=form.cleaned_data["unit"],
                                                            name=form.cleaned_data["name"])

    def get_success_url(self):
        return self.result.get_absolute_url()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["refusal"] = None  # a closed audit's questions are kept as well as an open one's
        return ctx


class FromTemplateView(ChecklistFormView):
    form_class = FromTemplateForm
    title = gettext_lazy("Start from a template")

    def perform(self, form):
        made = template_services.checklist_from_template(acting_user=self.request.user, audit=self.object,
                                                         template=form.cleaned_data["template"])
        messages.success(self.request, _("%(count)d questions added.") % {"count": len(made)})
        return None
