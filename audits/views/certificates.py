"""The certificate register (certificates part): list, page with its surveillance audits and
History tab, recording and correcting a certificate, withdrawing it, moving a surveillance visit or
linking its audit, the surveillance audits due, and the area's figures page."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.views.generic import TemplateView

from qms_portal import charts
from qms_portal.permissions import can
from qms_portal.views.generic import (
    HistoryView,
    ObjectFormView,
    ScopedDetailView,
    ScopedListView,
    ScopedMixin,
    ServiceFormView,
)

from .. import cached
from ..forms.certificates import CertificateFilter, CertificateForm, SurveillanceForm, VisitFilter, WithdrawForm
from ..models import Audit, Certificate, SurveillanceVisit
from ..selectors import certificates as selectors
from ..services import certificates as services


class CertificateListView(ScopedListView):
    """The current certificates in the reader's scope by expiry date (the soonest first); filters by
    state, unit (with its sub-units), standard, and a search on number, body and unit. Kept in the
    cache per reader and day ("expired", "expires soon": ``audits/cached.py``)."""

    model = Certificate
    filterset_class = CertificateFilter
    table_template = "audits/certificates/certificate_rows.html"
    title = gettext_lazy("Certificates")
    create_url = "audits:certificate_create"
    keyset = ("expires_on", "pk")
    cache_generations = cached.CERTIFICATE_GENERATIONS

    def get_base_queryset(self):
        return selectors.certificate_register(self.request.user)

    def get_queryset(self):
        return self.get_base_queryset()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["today"] = timezone.localdate()
        ctx["soon"] = ctx["today"] + timedelta(days=selectors.SOON_DAYS)
        return ctx


class CertificateDetailView(ScopedDetailView):
    model = Certificate
    template_name = "audits/certificates/certificate_detail.html"
    related = ("unit", "audit")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, certificate = self.request.user, self.object
        ctx["state"] = selectors.certificate_state(certificate)
        ctx["visits"] = list(selectors.visits_of(certificate))
        ctx["today"] = timezone.localdate()
        ctx["days_left"] = (certificate.expires_on - ctx["today"]).days
        ctx["may_change"] = not certificate.is_withdrawn and can(user, "change", certificate)
        ctx["audit_visible"] = certificate.audit_id is not None and can(user, "view", certificate.audit)
        for visit in ctx["visits"]:
            visit.audit_visible = visit.audit_id is not None and can(user, "view", visit.audit)
        return ctx


class CertificateHistoryView(HistoryView):
    model = Certificate
    related = ("unit",)


class CertificateCreateView(ServiceFormView):
    model = Certificate
    action = "add"
    form_class = CertificateForm
    title = gettext_lazy("Record a certificate")
    success_message = gettext_lazy("The certificate was recorded; its expiry and surveillance audits will be "
                                   "reminded.")

    def get_initial(self):
        unit = self.request.user.primary_unit
        return {"unit": unit.pk} if unit is not None and can(self.request.user, services.ADD, unit) else {}

    def perform(self, form):
        return services.certificate_create(acting_user=self.request.user, surveillance=form.surveillance(),
                                           **form.service_fields())


class CertificateEditView(ObjectFormView):
    model = Certificate
    form_class = CertificateForm
    title = gettext_lazy("Correct the certificate")
    success_message = gettext_lazy("The certificate was saved.")

    def perform(self, form):
        return services.certificate_update(acting_user=self.request.user, certificate=self.object,
                                           surveillance=form.surveillance(), **form.service_fields())


class CertificateWithdrawView(ObjectFormView):
    model = Certificate
    form_class = WithdrawForm
    title = gettext_lazy("Withdraw the certificate")
    success_message = gettext_lazy("The certificate was withdrawn: it is no longer reminded.")

    def perform(self, form):
        return services.certificate_withdraw(acting_user=self.request.user, certificate=self.object,
                                             **form.cleaned_data)


class SurveillanceEditView(ObjectFormView):
    """Move a surveillance visit, or link the audit that carries it out (on the certificate)."""

    model = SurveillanceVisit
    form_class = SurveillanceForm
    title = gettext_lazy("Surveillance audit")
    success_message = gettext_lazy("The surveillance audit was saved.")
    related = ("certificate__unit",)

    def perform(self, form):
        return services.surveillance_update(acting_user=self.request.user, visit=self.object,
                                            due_on=form.cleaned_data["due_on"], audit=form.cleaned_data["audit"])


class SurveillanceDueView(ScopedListView):
    """The surveillance audits still to carry out in the reader's scope, the late ones first. Kept
    in the cache per reader and day ("late"), retired by a certificate, a visit or an audit (a
    visit's audit closed: the visit is done, ``audits/cached.py``)."""

    model = SurveillanceVisit
    filterset_class = VisitFilter
    table_template = "audits/certificates/visit_rows.html"
    title = gettext_lazy("Surveillance audits due")
    keyset = ("due_on", "pk")
    cache_generations = cached.VISIT_GENERATIONS

    def get_base_queryset(self):
        return selectors.visits_due(self.request.user)

    def get_queryset(self):
        return self.get_base_queryset()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["today"] = timezone.localdate()
        return ctx


class FiguresView(ScopedMixin, TemplateView):
    """The audits area's figures for the reader's scope: this year's programme coverage by unit,
    audits done against planned, findings of the past 12 months by clause and grade, open findings."""

    model = Audit
    template_name = "audits/certificates/figures.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["year"] = timezone.localdate().year
        ctx["coverage"] = coverage = selectors.coverage_by_unit(user)
        if coverage:
            ctx["coverage_chart"] = charts.bar(
                [name for _code, name, *_n in coverage],
                {gettext("Entries planned"): [row[2] for row in coverage],
                 gettext("Audited"): [row[3] for row in coverage],
                 gettext("Behind their month"): [row[4] for row in coverage]},
                title=gettext("Programme coverage in %(year)s") % {"year": ctx["year"]}, category_label=gettext("Unit"))
        ctx["planned"] = selectors.audits_planned(user).count()
        ctx["done"] = selectors.audits_done(user).count()
        ctx["grades"], ctx["clauses"] = selectors.findings_by_clause(user)
        for row in ctx["clauses"]:  # the table's numbers written once (a row per clause, a cell per grade)
            row["shown"] = [charts.number(n) if n else "·" for n in row["cells"]]
            row["total_shown"] = charts.number(row["total"])
        ctx["open_findings"] = selectors.open_findings(user).count()
        return ctx
