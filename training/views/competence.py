"""Pages of the competence part: the competence requirements (list by unit subtree, new, edit,
deactivate, History), the qualifications (list, page with its evidence and History tab, record,
correct, withdraw) and "My training", every person's own training record."""

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_lazy

from qms_portal import fragments
from qms_portal.permissions import can
from qms_portal.views.generic import (
    ActionView,
    HistoryView,
    ObjectFormView,
    PageView,
    ScopedDetailView,
    ScopedListView,
    ServiceFormView,
)

from .. import cached
from ..forms.competence import QualificationFilter, QualificationForm, RequirementFilter, RequirementForm, WithdrawForm
from ..models import CompetenceRequirement, Participant, Qualification
from ..selectors import competence as selectors
from ..services import competence as services
from ..services import qualifications as qualification_services
from ..templatetags.training_badges import BADGES, WITHDRAWN


class RequirementListView(ScopedListView):
    """The competence requirements in the reader's scope (active by default), by unit path; filters
    by unit (with its sub-units), role, competence and status."""

    model = CompetenceRequirement
    filterset_class = RequirementFilter
    content_template = "training/competence/requirement_list_content.html"
    table_template = "training/competence/requirement_rows.html"
    title = gettext_lazy("Competence requirements")
    create_url = "training:requirement_create"
    keyset = ("unit__path", "pk")
    cache_generations = cached.REQUIREMENT_LIST

    def content_key_parts(self):
        return (*super().content_key_parts(), self.may_change())  # each row's Edit and Deactivate

    def may_change(self):
        return self.request.user.has_perm("training.change_competencerequirement")

    def get_base_queryset(self):
        return selectors.requirement_queryset(self.request.user)

    def get_queryset(self):
        return self.get_base_queryset()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["may_change"] = self.may_change()
        return ctx


class RequirementCreateView(ServiceFormView):
    model = CompetenceRequirement
    action = "add"
    form_class = RequirementForm
    title = gettext_lazy("New competence requirement")
    success_message = gettext_lazy("The requirement was saved: it applies to whoever holds the role there.")

    def perform(self, form):
        return services.requirement_create(acting_user=self.request.user, **form.service_fields())

    def get_success_url(self):
        return reverse("training:requirement_list")


class RequirementEditView(ObjectFormView):
    model = CompetenceRequirement
    form_class = RequirementForm
    related = ("unit",)
    title = gettext_lazy("Edit the competence requirement")
    success_message = gettext_lazy("Saved.")

    def perform(self, form):
        return services.requirement_update(acting_user=self.request.user, requirement=self.object,
                                           **form.service_fields())

    def get_success_url(self):
        return reverse("training:requirement_list")


class RequirementDeactivateView(ActionView):
    model = CompetenceRequirement
    action = "change"
    success_message = gettext_lazy("The requirement was deactivated.")

    def perform(self, obj):
        return services.requirement_deactivate(acting_user=self.request.user, requirement=obj)


class RequirementHistoryView(HistoryView):
    model = CompetenceRequirement
    related = ("unit", "role", "competence")
    history_url_name = "training:requirement_history"


class QualificationListView(ScopedListView):
    """The qualifications of the people in the reader's scope (and their own): filters by unit
    (the holder's, with its sub-units), competence, state (valid, expiring within 90 days, expired,
    withdrawn), a search on the person; newest first, paged by cursor."""

    model = Qualification
    filterset_class = QualificationFilter
    content_template = "training/competence/qualification_list_content.html"
    table_template = "training/competence/qualification_rows.html"
    title = gettext_lazy("Qualifications")
    create_url = "training:qualification_create"
    keyset = ("-pk",)
    cache_generations = cached.QUALIFICATION_LIST  # the states turn on the day, which is in the key

    def get_base_queryset(self):
        return selectors.qualification_queryset(self.request.user)

    def get_queryset(self):
        return self.get_base_queryset()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["rows"] = qualification_rows(ctx["object_list"])
        return ctx


def qualification_rows(qualifications):
    """The qualifications table's rows (``<tr>`` … for each, with its ``state`` badge), written in
    Python: the template engine took longer over a page of rows than the database took to find them
    (a first visit renders them all). The same HTML as a template loop would write, every value
    escaped."""
    fragments.shows(qualifications, "user__full_name", "user__username", "user__primary_unit__name",
                    "competence__name", "obtained_on", "valid_until", "is_withdrawn", "state", "participant_id",
                    "outside_body")
    badges = {state: f'<span class="badge {css}">{conditional_escape(words)}</span>'
              for state, (css, words) in BADGES.items()}
    withdrawn = f'<span class="badge {WITHDRAWN[0]}">{conditional_escape(WITHDRAWN[1])}</span>'
    no_end = conditional_escape(gettext("No end"))
    from_session = conditional_escape(gettext("A training session"))
    rows = []
    for q in qualifications:
        unit = q.user.primary_unit.name if q.user.primary_unit else ""
        until = conditional_escape(date_format(q.valid_until, "SHORT_DATE_FORMAT")) if q.valid_until else no_end
        source = from_session if q.participant_id else conditional_escape(q.outside_body or "—")
        rows.append(
            f'<tr data-testid="qualification"><td><a href="{conditional_escape(q.get_absolute_url())}">'
            f"{conditional_escape(q.user.full_name or q.user.username)}</a>"
            f'<div class="d-md-none small text-body-secondary">{conditional_escape(unit)}</div></td>'
            f"<td>{conditional_escape(q.competence.name)}</td>"
            f'<td class="d-none d-md-table-cell">{conditional_escape(unit or "—")}</td>'
            f'<td class="d-none d-sm-table-cell text-nowrap">'
            f'{conditional_escape(date_format(q.obtained_on, "SHORT_DATE_FORMAT"))}</td>'
            f'<td class="text-nowrap">{until} {badges.get(q.state, withdrawn)}</td>'
            f'<td class="d-none d-lg-table-cell">{source}</td></tr>'
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value escaped above


class QualificationDetailView(ScopedDetailView):
    model = Qualification
    template_name = "training/competence/qualification_detail.html"
    related = ("user", "competence", "participant__session__course")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        obj, user = self.object, self.request.user
        ctx["state"] = selectors.state_of(obj)
        ctx["state_label"] = selectors.State.LABELS[ctx["state"]]
        ctx["may_change"] = can(user, "change", obj) and not obj.is_withdrawn
        session = obj.participant.session if obj.participant_id else None
        ctx["session"] = session
        ctx["session_url"] = _url("training:session_detail", session.pk) if session is not None and can(
            user, "view", session) else ""
        return ctx


class QualificationHistoryView(HistoryView):
    model = Qualification
    related = ("user", "competence")


class QualificationCreateView(ServiceFormView):
    model = Qualification
    action = "add"
    form_class = QualificationForm
    title = gettext_lazy("Record a qualification")
    success_message = gettext_lazy("The qualification was recorded. Add its evidence (a scan of the certificate) "
                                   "on its page.")

    def get_initial(self):
        person = self.request.GET.get("user", "")
        return {"user": person} if person.isdigit() else {}

    def perform(self, form):
        return qualification_services.qualification_create(acting_user=self.request.user, **form.service_fields())


class QualificationEditView(ObjectFormView):
    model = Qualification
    form_class = QualificationForm
    related = ("user", "competence")
    title = gettext_lazy("Correct the qualification")
    success_message = gettext_lazy("Saved.")

    def perform(self, form):
        return qualification_services.qualification_update(acting_user=self.request.user,
                                                           qualification=self.object, **form.service_fields())


class QualificationWithdrawView(ObjectFormView):
    model = Qualification
    form_class = WithdrawForm
    related = ("user", "competence")
    title = gettext_lazy("Withdraw the qualification")
    success_message = gettext_lazy("The qualification was withdrawn: it no longer counts.")

    def perform(self, form):
        return qualification_services.qualification_withdraw(acting_user=self.request.user,
                                                             qualification=self.object,
                                                             reason=form.cleaned_data["reason"])


def _url(name, *args):
    """The address of a page another part of the area builds, or "" while it does not exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def certificate_url(participant):
    """The certificate of ``participant`` (the records part's page), when that page exists."""
    return _url("training:certificate", participant.pk)


class MyTrainingView(PageView):
    """Every signed-in person's own training record: their qualifications (valid, expiring,
    expired, withdrawn), the sessions they were invited to with their attendance, the requirements
    that apply to them and those they lack. A fixed number of queries."""

    template_name = "training/competence/my_training.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, today = self.request.user, timezone.localdate()
        qualifications = list(Qualification.objects.restrict(user, "view").filter(user=user)
                              .select_related("competence")
                              .annotate(state=selectors.state_annotation(today))
                              .order_by("is_withdrawn", "competence__code", "-obtained_on"))
        participations = list(Participant.objects.restrict(user, "view").filter(user=user)
                              .select_related("session__course", "session__unit")
                              .order_by("-session__starts_at", "-pk")[:50])
        for p in participations:
            p.certificate_link = certificate_url(p) if getattr(p, "certificate_number", "") else ""
        requirements = selectors.requirements_for(user)
        gaps = selectors.gaps_for(user, today, requirements=requirements)
        lacking = {r.pk for r, _q in gaps}
        ctx.update(qualifications=qualifications, participations=participations, requirements=requirements,
                   gaps=gaps, lacking=lacking, today=today, state_labels=selectors.State.LABELS,
                   title=gettext_lazy("My training"))
        return ctx
