"""The audit list, planning an audit, its page (with the other parts' sections), its History tab
and its transitions (plan part)."""

from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_lazy

from qms_portal import fragments
from qms_portal.forms import on_fields
from qms_portal.links import pk_url
from qms_portal.permissions import can
from qms_portal.templatetags.qms import choice_label
from qms_portal.views.generic import (
    HistoryView,
    ObjectFormView,
    ObjectPdfView,
    ScopedDetailView,
    ScopedListView,
    ServiceFormView,
    TransitionView,
)

from ..forms.plan import AuditFilter, AuditForm
from ..models import Audit, ProgrammeEntry
from ..selectors import plan as selectors
from ..selectors import plan_cache as cached
from ..services import plan as services


class AuditListView(ScopedListView):
    """The audits in the reader's scope and those they are on; filters by kind, status, unit (with
    its sub-units), year and a search on number and title. Paged by cursor, newest first, read from
    the ``audit_list_order`` index."""

    model = Audit
    filterset_class = AuditFilter
    content_template = "audits/plan/audit_list_content.html"
    table_template = "audits/plan/audit_rows.html"
    title = gettext_lazy("Audits")
    create_url = "audits:audit_create"
    keyset = ("-starts_on", "-pk")
    cache_generations = cached.LIST_GENERATIONS

    def get_base_queryset(self):
        return selectors.audit_list_queryset(self.request.user)

    def get_queryset(self):
        return self.get_base_queryset()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["rows"] = audit_rows(ctx["object_list"])
        return ctx


def audit_rows(audits):
    """The audit list's rows, written in Python: the template engine took longer over a page of
    rows than the database took to find them (a first visit renders them all). The same HTML as
    the template loop wrote, every value escaped."""
    fragments.shows(audits, "number", "title", "unit__name", "kind", "status", "starts_on", "ends_on",
                    "lead_auditor__full_name", "lead_auditor__username", "certification_body")
    rows = []
    for a in audits:
        unit, kind = conditional_escape(a.unit.name), conditional_escape(choice_label(a, "kind"))
        dates = conditional_escape(date_format(a.starts_on, "SHORT_DATE_FORMAT"))
        if a.ends_on != a.starts_on:
            dates += " – " + conditional_escape(date_format(a.ends_on, "SHORT_DATE_FORMAT"))
        lead = a.lead_auditor
        lead = (lead.full_name or lead.username) if lead is not None else a.certification_body
        rows.append(
            f'<tr><td class="text-nowrap"><a href="{conditional_escape(pk_url("audits:audit_detail", a.pk))}">'
            f"{conditional_escape(a.number)}</a></td>"
            f'<td>{conditional_escape(a.title)}<span class="d-md-none small text-body-secondary"><br>'
            f"{unit} · {kind}</span></td>"
            f'<td class="d-none d-md-table-cell">{unit}</td>'
            f'<td class="d-none d-md-table-cell">{kind}</td>'
            f'<td>{conditional_escape(choice_label(a, "status"))}</td>'
            f'<td class="text-nowrap">{dates}</td>'
            f'<td class="d-none d-lg-table-cell">{conditional_escape(lead)}</td></tr>'
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value escaped above


class AuditCreateView(ServiceFormView):
    """Plan an audit: scope, criteria, dates, lead auditor, team, auditees."""

    model = Audit
    action = "add"
    form_class = AuditForm
    template_name = "generic/form.html"
    title = gettext_lazy("Plan an audit")
    success_message = gettext_lazy("The audit was planned. The lead auditor and the team were told.")

    def get_initial(self):
        initial = {}
        unit = self.request.user.primary_unit
        if unit is not None and can(self.request.user, "audits.add_audit", unit):
            initial["unit"] = unit.pk
        entry = self.request.GET.get("entry", "")
        entry = ProgrammeEntry.objects.select_related("programme__unit", "unit").filter(
            pk=int(entry)).first() if entry.isdigit() else None
        if entry is not None and can(self.request.user, "view", entry.programme):
            # planned from a line of the programme: its unit, scope, clauses and procedures
            initial.update(
                unit=entry.programme.unit_id, programme_entry=entry.pk, scope_units=[entry.unit_id],
                clauses=list(entry.clauses.values_list("pk", flat=True)),
                processes=list(entry.procedures.values_list("pk", flat=True)),
                title=gettext("Internal audit: %(unit)s") % {"unit": entry.unit.name})
        return initial

    def perform(self, form):
        return on_fields(form, services.audit_create, acting_user=self.request.user, **form.cleaned_data)


class AuditEditView(ObjectFormView):
    """Change the plan while it is planned or its auditees were just notified."""

    model = Audit
    form_class = AuditForm
    template_name = "generic/form.html"
    title = gettext_lazy("Change the audit plan")
    success_message = gettext_lazy("The audit plan was saved.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["audit"] = self.object
        return kwargs

    def get_initial(self):
        a = self.object
        initial = {name: getattr(a, name) for name in ("kind", "title", "certification_body", "external_auditors",
                                                        "criteria_note", "starts_on", "ends_on", "report_due",
                                                        "response_due")}
        initial.update(programme_entry=a.programme_entry_id, lead_auditor=a.lead_auditor_id,
                       **{name: list(getattr(a, name).values_list("pk", flat=True)) for name in services.PLAN_SETS})
        return initial

    def perform(self, form):
        data = dict(form.cleaned_data)
        if form.fields["kind"].disabled:  # the auditees have the plan: its kind stays
            data.pop("kind", None)
        return on_fields(form, services.audit_update, acting_user=self.request.user, audit=self.object, **data)


class AuditDetailView(ScopedDetailView):
    """An audit's page: its plan (scope, criteria, dates, people), the transitions open to the
    reader, warnings on the team, and the sections of the other parts: the checklist, the findings
    and report, the certificates."""

    model = Audit
    template_name = "audits/plan/audit_detail.html"
    related = ("unit", "lead_auditor", "programme_entry__programme")
    history_url_name = "audits:audit_history"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        audit, user = self.object, self.request.user
        ctx["audit"] = audit
        ctx.update(selectors.audit_people(audit))
        ctx["scope_units"] = list(audit.scope_units.only("pk", "code", "name").order_by("path"))
        ctx["clauses"] = list(audit.clauses.all())
        ctx["processes"] = list(audit.processes.only("pk", "code", "title"))
        ctx["may_change"] = can(user, "change", audit) and audit.status in services.EDITABLE
        ctx["warnings"] = _warnings(audit) if ctx["may_change"] else []
        ctx["external_auditors"] = [n for n in audit.external_auditors.splitlines() if n.strip()]
        return ctx


def _warnings(audit):
    """What stands in the way of the people on the plan now (a role ended, another audit since)."""
    people = list(audit.team.all()) + ([audit.lead_auditor] if audit.lead_auditor_id else [])
    seen, warnings = set(), []
    for person in people:
        if person.pk in seen:
            continue
        seen.add(person.pk)
        warnings.extend(services.auditor_problems(person, audit))
    return warnings


class AuditHistoryView(HistoryView):
    model = Audit
    history_url_name = "audits:audit_history"


class AuditTransitionView(TransitionView):
    model = Audit
    service = services.audit_transition
    object_kwarg = "audit"


class AuditPlanPdfView(ObjectPdfView):
    """The audit plan as a PDF, for whoever sees the audit (the auditees who receive it too): scope,
    criteria, dates, the lead auditor, the team, the auditees and the schedule."""

    model = Audit
    action = "view"
    related = ("unit",)
    pdf_template = "audits/plan/pdf_plan.html"

    def pdf_context(self, audit):
        return selectors.plan_pdf_context(audit, self.request.user)

    def pdf_filename(self, audit):
        return f"{audit.number}-plan.pdf"
