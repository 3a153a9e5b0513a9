"""Pages of the findings part: the findings list (auditees see those about their unit), recording a
finding (from a checklist item or directly), its page and history, correcting it, raising its
nonconformity (or linking one raised before), an observation's improvement action."""

from django.contrib import messages
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from qms_portal.permissions import can, scope_fingerprint
from qms_portal.views.generic import (
    ActionView,
    HistoryView,
    ObjectFormView,
    ScopedDetailView,
    ScopedListView,
)

from .. import cached
from ..forms.findings import FindingForm, ImprovementForm, LinkNonconformityForm
from ..forms.findings_filter import FindingFilter
from ..models import Audit, Finding
from ..selectors import findings as selectors
from ..services import findings as services


class FindingListView(ScopedListView):
    """The findings in the reader's reach, newest first: an auditee's are those about their unit,
    an auditor's those of the audits they are on. Filters: grade, unit, audit, year, search. Kept
    in the cache per reader (``audits/cached.py``)."""

    model = Finding
    filterset_class = FindingFilter
    table_template = "audits/findings/finding_rows.html"
    title = _("Findings")
    keyset = ("-pk",)
    cache_generations = cached.FINDING_GENERATIONS

    def content_key_parts(self):
        # An auditor reaches the findings of the audits they conduct (``Finding.scope_extra``): by a
        # grant on the audit (its changes bump ``AUDITS``), or by a role holding "conduct" on its unit.
        return (*super().content_key_parts(), scope_fingerprint(self.request.user, "audits.conduct_audit"))

    def get_base_queryset(self):
        return Finding.objects.select_related(*selectors.LIST_RELATED)


class AuditObjectFormView(ObjectFormView):
    """A form about one audit (``pk`` is the audit's)."""

    model = Audit
    related = ("unit", "lead_auditor")


class FindingCreateView(AuditObjectFormView):
    """Record a finding on site (a phone), from a checklist item (``?item=``) or directly."""

    action = "audits.conduct_audit"
    form_class = FindingForm
    template_name = "audits/findings/finding_form.html"
    title = _("Record a finding")
    success_message = _("The finding was recorded.")

    def get_item(self):
        if not hasattr(self, "_item"):
            source = self.request.POST if self.request.method == "POST" else self.request.GET
            self._item = services.checklist_item_for_finding(self.request.user, self.object, source.get("item"))
        return self._item

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "audit": self.object}

    def get_initial(self):
        item = self.get_item()
        scope = list(self.object.scope_units.all()[:2])  # one unit audited: it is the finding's, most often
        initial = {"unit": scope[0].pk if len(scope) == 1 else self.object.unit_id}
        if item is not None:
            grade = {"nonconformity": Finding.Grade.MINOR, "observation": Finding.Grade.OBSERVATION}.get(item.answer)
            initial.update(grade=grade, clause=item.clause_id, procedure=item.procedure_id,
                           requirement=item.question, evidence=item.notes)
        return initial

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["audit"] = self.object
        ctx["item"] = self.get_item()
        ctx["open_for_recording"] = self.object.status in services.RECORDING_STATUSES
        return ctx

    def perform(self, form):
        return services.finding_create(acting_user=self.request.user, audit=self.object,
                                       checklist_item=self.get_item(), photos=form.cleaned_data.get("photo") or (),
                                       **form.finding_fields())


class FindingDetailView(ScopedDetailView):
    model = Finding
    template_name = "audits/findings/finding_detail.html"
    related = ("audit", "audit__unit", "audit__lead_auditor", "unit", "clause", "procedure", "recorded_by",
               "checklist_item", "nonconformity", "improvement_action", "improvement_action__owner")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        finding, user = self.object, self.request.user
        audit = finding.audit
        ctx["audit"] = audit
        ctx["may_see_audit"] = can(user, "view", audit)
        ctx["may_change"] = can(user, "change", finding) and audit.status != Audit.Status.CLOSED
        ctx["may_raise"] = finding.is_nonconformity and not finding.nonconformity_id and ctx["may_change"]
        ctx["may_link"] = finding.is_nonconformity and not finding.nonconformity_id and ctx["may_change"]
        ctx["may_improve"] = (finding.grade in services.IMPROVEMENT_GRADES and not finding.improvement_action_id
                              and can(user, "nonconformities.add_correctiveaction", finding))
        ctx["nonconformity_visible"] = bool(finding.nonconformity_id) and can(user, "view", finding.nonconformity)
        ctx["action_visible"] = bool(finding.improvement_action_id) and can(user, "view", finding.improvement_action)
        return ctx


class FindingHistoryView(HistoryView):
    model = Finding


class FindingEditView(ObjectFormView):
    model = Finding
    form_class = FindingForm
    title = _("Correct the finding")
    success_message = _("The finding was saved.")
    related = ("audit", "audit__unit", "unit")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        return {**kwargs, "audit": self.object.audit, "with_photos": False}

    def get_initial(self):
        f = self.object
        return {"grade": f.grade, "unit": f.unit_id, "clause": f.clause_id, "procedure": f.procedure_id,
                "requirement": f.requirement, "evidence": f.evidence, "description": f.description}

    def perform(self, form):
        return services.finding_update(acting_user=self.request.user, finding=self.object, **form.finding_fields())


class FindingRaiseView(ActionView):
    """POST: the finding becomes a nonconformity record."""

    model = Finding
    action = "change"

    def perform(self, obj):
        nc = services.finding_raise_nonconformity(acting_user=self.request.user, finding=obj)
        messages.success(self.request, _("Nonconformity %(number)s was raised from this finding.")
                         % {"number": nc.number})
        return nc


class AuditRaiseAllView(ActionView):
    """POST: every major and minor finding of the audit still without its record becomes one."""

    model = Audit
    action = "audits.conduct_audit"

    def perform(self, obj):
        raised = services.findings_raise_nonconformities(acting_user=self.request.user, audit=obj)
        messages.success(self.request, _("Nonconformities raised: %(count)s.") % {"count": len(raised)})
        return raised


class FindingLinkView(ObjectFormView):
    """Link the finding to a nonconformity raised before it was recorded."""

    model = Finding
    form_class = LinkNonconformityForm
    title = _("Link to a nonconformity raised earlier")
    success_message = _("The finding and the nonconformity are linked.")
    related = ("audit", "unit")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        return {**kwargs, "finding": self.object}

    def perform(self, form):
        services.finding_link_nonconformity(acting_user=self.request.user, finding=self.object,
                                            nonconformity=form.cleaned_data["nonconformity"])
        return self.object


class FindingImprovementView(ObjectFormView):
    """An observation's improvement action, planned by who manages the unit's actions."""

    model = Finding
    action = "nonconformities.add_correctiveaction"
    form_class = ImprovementForm
    title = _("Plan an improvement action")
    success_message = _("The improvement action was planned; its owner was told.")
    related = ("audit", "unit")

    def get_object(self, queryset=None):
        finding = super().get_object(queryset)
        if not can(self.request.user, "view", finding):
            raise Http404
        return finding

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        return {**kwargs, "finding": self.object}

    def perform(self, form):
        services.finding_improvement_create(acting_user=self.request.user, finding=self.object,
                                            **form.cleaned_data)
        return self.object
