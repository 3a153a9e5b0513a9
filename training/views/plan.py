"""The annual training plans (plan part): the list (unit subtree, year, status; each plan's done vs
planned), the register of plan items (every item in scope, done or not), creating and changing a
plan, its page (items, sessions held for them, done vs planned, the approval's signature), the needs
found in the data offered as one-click items, an item's form and its sessions, the History tab (with
the items' changes) and the PDF."""

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_lazy
from django.views import View

from qms_portal import fragments
from qms_portal.exports import write_xlsx
from qms_portal.forms import on_fields
from qms_portal.permissions import can
from qms_portal.templatetags.qms import choice_label
from qms_portal.views.generic import (
    ActionView,
    HistoryView,
    ObjectFormView,
    ObjectMixin,
    ObjectPdfView,
    ScopedDetailView,
    ScopedListView,
    ServiceFormView,
    TransitionView,
)

from .. import cached
from ..forms.plan import MONTHS, ItemSessionsForm, PlanFilter, PlanForm, PlanItemFilter, PlanItemForm
from ..models import PlanItem, TrainingPlan
from ..selectors import plan as selectors
from ..selectors import plan_items as item_selectors
from ..services import plan as services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

HISTORY = "training:plan_history"


class PlanListView(ScopedListView):
    """The training plans in the reader's scope, newest year first, each with its items done of
    those planned and its people trained of those planned (subqueries: a fixed number of queries)."""

    model = TrainingPlan
    filterset_class = PlanFilter
    content_template = "training/plan/plan_list_content.html"  # the generic list, and a link to the items
    table_template = "training/plan/plan_rows.html"
    title = gettext_lazy("Training plans")
    create_url = "training:plan_create"
    keyset = ("-year", "pk")
    cache_generations = cached.PLAN_LIST

    def content_key_parts(self):
        return (*super().content_key_parts(), self.request.user.has_perm("training.view_planitem"))  # the items' link

    def get_base_queryset(self):
        return selectors.plan_list_queryset(self.request.user)

    def get_queryset(self):
        return self.get_base_queryset()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["rows"] = plan_rows(ctx["object_list"])
        return ctx


PLAN_BADGES = {"approved": "success", "submitted": "warning"}  # a draft's: secondary


def plan_rows(plans):
    """The plans table's rows (``<tr>`` … for each plan), written in Python: the template engine
    took longer over a page of rows than the database took to find them (a first visit renders them
    all). The same HTML as a template loop would write, every value escaped."""
    fragments.shows(plans, "unit__name", "unit__code", "year", "status", "items_done", "items_total",
                    "people_trained", "people_planned")
    of = conditional_escape(gettext("%(done)s of %(total)s"))
    of_people = conditional_escape(gettext("%(done)s of %(total)s people trained"))
    rows = []
    for p in plans:
        trained, planned = conditional_escape(p.people_trained), conditional_escape(p.people_planned)
        items = of % {"done": conditional_escape(p.items_done), "total": conditional_escape(p.items_total)}
        people = of % {"done": trained, "total": planned}
        people_trained = of_people % {"done": trained, "total": planned}
        rows.append(
            f'<tr><td><a href="{conditional_escape(p.get_absolute_url())}">{conditional_escape(p.unit.name)}</a>'
            f'<div class="small text-body-secondary">{conditional_escape(p.unit.code)}</div></td>'
            f"<td>{conditional_escape(p.year)}</td>"
            f'<td><span class="badge text-bg-{PLAN_BADGES.get(p.status, "secondary")}">'
            f'{conditional_escape(choice_label(p, "status"))}</span></td>'
            f'<td>{items} <div class="d-md-none small text-body-secondary">{people_trained}</div></td>'
            f'<td class="d-none d-md-table-cell">{people}</td></tr>'
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value escaped above


class PlanItemListView(ScopedListView):
    """The register of plan items: every item of the plans in the reader's scope, newest plan first
    (its items in the order they were added; the index ``planitem_plan_order`` serves it), each with
    its unit, the plan's year, the planned month, people trained of those planned and whether it is
    done. The steering committee's "training plan completion" links here filtered to exactly the
    items it counts (``?unit=…&year=…&done=true``). Annotations, not a query per row."""

    model = PlanItem
    filterset_class = PlanItemFilter
    content_template = "training/plan/planitem_list_content.html"
    table_template = "training/plan/planitem_rows.html"
    title = gettext_lazy("Training plan items")
    keyset = ("-plan_id", "pk")  # the column itself (ordering by "plan" would follow the plan's own ordering)
    cache_generations = cached.PLAN_ITEM_LIST

    def get_base_queryset(self):
        return item_selectors.plan_item_queryset(self.request.user)

    def get_queryset(self):
        return self.get_base_queryset()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["rows"] = plan_item_rows(ctx["object_list"])
        return ctx


def plan_item_rows(items):
    """The register of plan items' rows (``<tr>`` … for each item), written in Python: the template
    engine took longer over a page of rows than the database took to find them (a first visit
    renders them all). The same HTML as a template loop would write, every value escaped."""
    fragments.shows(items, "course__title", "title", "need", "month", "plan__unit__name", "plan__unit__code",
                    "plan__year", "people_trained", "participants", "done")
    months = {month: conditional_escape(label) for month, label in MONTHS}
    of = conditional_escape(gettext("%(done)s of %(total)s"))
    done = f'<span class="badge text-bg-success">{conditional_escape(gettext("Done"))}</span>'
    not_done = f'<span class="badge text-bg-secondary">{conditional_escape(gettext("Not done"))}</span>'
    rows = []
    for i in items:
        title = conditional_escape(i.title)
        if i.course:
            what = conditional_escape(i.course.title) + (f'<span class="d-block small">{title}</span>'
                                                          if i.title else "")
        else:
            what = title if i.title else "—"
        unit_name = conditional_escape(i.plan.unit.name)
        month = months.get(i.month, "—")
        people = of % {"done": conditional_escape(i.people_trained), "total": conditional_escape(i.participants)}
        rows.append(
            f'<tr data-item="{conditional_escape(i.pk)}"><td><a href="{conditional_escape(i.get_absolute_url())}">'
            f'{what}</a><div class="small text-body-secondary">{conditional_escape(choice_label(i, "need"))}</div>'
            f'<div class="d-md-none small text-body-secondary">{unit_name}{f" · {month}" if i.month else ""}</div></td>'
            f'<td class="d-none d-md-table-cell">{unit_name}'
            f'<div class="small text-body-secondary">{conditional_escape(i.plan.unit.code)}</div></td>'
            f"<td>{conditional_escape(i.plan.year)}</td>"
            f'<td class="d-none d-sm-table-cell">{month}</td>'
            f'<td class="d-none d-lg-table-cell">{people}</td>'
            f"<td>{done if i.done else not_done}</td></tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value escaped above


class PlanCreateView(ServiceFormView):
    model = TrainingPlan
    action = "add"
    form_class = PlanForm
    title = gettext_lazy("New training plan")
    success_message = gettext_lazy("The plan was created. Add its items, or take them from the needs found in the "
                                   "data.")

    def get_initial(self):
        today = timezone.localdate()
        initial = {"year": today.year + (1 if today.month >= 10 else 0)}
        unit = self.request.user.primary_unit
        if unit is not None and can(self.request.user, services.ADD, unit):
            initial["unit"] = unit.pk
        return initial

    def perform(self, form):
        return on_fields(form, services.plan_create, acting_user=self.request.user, **form.cleaned_data)


class PlanEditView(ObjectFormView):
    model = TrainingPlan
    form_class = PlanForm
    title = gettext_lazy("Change the plan")
    success_message = gettext_lazy("The plan was saved.")
    related = ("unit",)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "plan": self.object}

    def get_initial(self):
        return {"budget": self.object.budget, "note": self.object.note}

    def perform(self, form):
        return on_fields(form, services.plan_update, acting_user=self.request.user, plan=self.object,
                         **form.cleaned_data)


class PlanDetailView(ScopedDetailView):
    """The plan: done vs planned, its items by month with the sessions held for them and the people
    trained, the budget line, the approval's signature."""

    model = TrainingPlan
    template_name = "training/plan/plan_detail.html"
    related = ("unit",)
    history_url_name = HISTORY

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        plan, user = self.object, self.request.user
        months = dict(MONTHS)
        ctx["items"] = items = selectors.items_of(plan)
        for item in items:
            item.month_label = months.get(item.month, "—")
        ctx["summary"] = selectors.summary(items)
        ctx["may_change"] = can(user, "change", plan)
        ctx["may_change_items"] = ctx["may_change"] and user.has_perm("training.change_planitem")
        return ctx


class PlanHistoryView(HistoryView):
    """The plan's History tab, and below it every change to its items (added, changed, taken out),
    newest first, in one query."""

    model = TrainingPlan
    related = ("unit",)
    history_url_name = HISTORY
    item_changes_shown = 100

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        from qms_portal.history import reason_text

        months = dict(MONTHS)
        rows = list(PlanItem.history.filter(plan_id=self.object.pk).select_related("course", "history_user")
                    .order_by("-history_date", "-history_id")[:self.item_changes_shown])
        for row in rows:
            row.month_label = months.get(row.month, "—")
            row.need_label = PlanItem.Need(row.need).label if row.need in PlanItem.Need.values else row.need
            row.reason_text = reason_text(row.history_change_reason or "")
        ctx["item_changes"] = rows
        return ctx


class PlanTransitionView(TransitionView):
    model = TrainingPlan
    service = services.plan_transition
    object_kwarg = "plan"


class PlanXlsxView(ObjectMixin, View):
    """The plan as an XLSX file, for whoever reads the plan: one row per item (need, course or title,
    month, people planned, sessions linked, done, people trained, note), the plan above them. Made
    in the request: a plan's items are a unit's year of training, not a list that grows with the
    province (the core's writer neutralises formulas in what people typed)."""

    model = TrainingPlan
    related = ("unit",)

    def get(self, request, pk):
        plan = self.get_object()
        headers, rows, preamble = selectors.xlsx_rows(plan)
        out = io.BytesIO()
        write_xlsx(out, headers=headers, rows=rows, title=f"{plan.unit.code} {plan.year}"[:31], preamble=preamble)
        response = HttpResponse(out.getvalue(), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="training-plan-{plan.unit.code}-{plan.year}.xlsx"'
        return response


class PlanPdfView(ObjectPdfView):
    """The plan as a PDF for the unit's file: its items, done vs planned, budget line and approval."""

    model = TrainingPlan
    related = ("unit",)
    pdf_template = "training/plan/pdf_plan.html"

    def pdf_context(self, plan):
        return selectors.pdf_context(plan, self.request.user)

    def pdf_filename(self, plan):
        return f"training-plan-{plan.unit.code}-{plan.year}.pdf"


class ItemCreateView(ObjectFormView):
    """Add an item to the plan (``change`` on the plan)."""

    model = TrainingPlan
    form_class = PlanItemForm
    title = gettext_lazy("Add an item to the plan")
    success_message = gettext_lazy("The item was added to the plan.")
    related = ("unit",)

    def get_initial(self):
        return {"need": PlanItem.Need.GAP, "participants": 0}

    def perform(self, form):
        on_fields(form, services.plan_item_add, acting_user=self.request.user, plan=self.object, **form.cleaned_data)
        return self.object


class ItemEditView(ObjectFormView):
    model = PlanItem
    form_class = PlanItemForm
    title = gettext_lazy("Change the plan item")
    success_message = gettext_lazy("The item was saved.")
    related = ("plan__unit", "course")

    def get_initial(self):
        item = self.object
        return {"need": item.need, "course": item.course_id, "title": item.title, "month": item.month,
                "participants": item.participants, "note": item.note}

    def perform(self, form):
        return on_fields(form, services.plan_item_update, acting_user=self.request.user, item=self.object,
                         **form.cleaned_data)


class ItemSessionsView(ObjectFormView):
    """Link the sessions held for an item: the sessions of the plan's unit subtree in its year."""

    model = PlanItem
    form_class = ItemSessionsForm
    title = gettext_lazy("Sessions held for the item")
    success_message = gettext_lazy("The sessions held for the item were saved.")
    related = ("plan__unit", "course")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "item": self.object}

    def get_initial(self):
        return {"sessions": list(self.object.sessions.values_list("pk", flat=True))}

    def perform(self, form):
        return on_fields(form, services.plan_item_link_sessions, acting_user=self.request.user, item=self.object,
                         sessions=form.cleaned_data["sessions"])


class ItemRemoveView(ActionView):
    model = PlanItem
    action = "change"
    related = ("plan__unit",)
    success_message = gettext_lazy("The item was taken out of the plan.")

    def perform(self, obj):
        return services.plan_item_remove(acting_user=self.request.user, item=obj)

    def get_success_url(self, obj, result):
        return result.get_absolute_url()


class SuggestionsView(ObjectMixin, View):
    """The needs the data shows for the plan (people lacking a required competence, qualifications
    expiring in its year, revisions that need training, new staff), each added to the plan with one
    click (POST ``key``; the need is read again from the data, never from the form)."""

    model = TrainingPlan
    action = "change"
    related = ("unit",)

    def get(self, request, pk):
        plan = self.get_object()
        months = dict(MONTHS)
        found = selectors.suggestions(plan)
        for s in found:
            s.month_label = months.get(s.month, "—")
        return render(request, "training/plan/suggestions.html", {"object": plan, "suggestions": found})

    def post(self, request, pk):
        plan = self.get_object()
        try:
            with transaction.atomic():
                item = services.plan_item_add_suggested(acting_user=request.user, plan=plan,
                                                        key=request.POST.get("key", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(request.path)
        messages.success(request, gettext("“%(item)s” was added to the plan.") % {"item": item})
        return HttpResponseRedirect(request.path)
