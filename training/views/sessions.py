"""The sessions part's catalogue and sessions: competences and courses (lists, pages, forms,
History tabs), sessions (the list with its filters, the page with every part's panel, the forms,
the History tab, the workflow) and invitations."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from qms_portal import fragments
from qms_portal.forms import on_fields
from qms_portal.permissions import can
from qms_portal.templatetags.qms import choice_label, local_date
from qms_portal.views.generic import (
    HistoryView,
    ObjectFormView,
    ScopedDetailView,
    ScopedListView,
    ServiceFormView,
    TransitionView,
)

from .. import cached
from ..forms.sessions import (
    CompetenceFilter,
    CompetenceForm,
    CourseFilter,
    CourseForm,
    InviteForm,
    SessionFilter,
    SessionForm,
)
from ..models import Competence, Course, Session
from ..selectors import sessions as selectors
from ..services import sessions as services
from ..services import sessions_invitations as invitations
from ..services.sessions_attendance import MARK, attendance_open


# ---- competences ---------------------------------------------------------------------------------------
class CompetenceListView(ScopedListView):
    model = Competence
    filterset_class = CompetenceFilter
    table_template = "training/sessions/competence_rows.html"
    title = _("Competences")
    create_url = "training:competence_create"
    cache_generations = cached.COMPETENCE_LIST


class CompetenceDetailView(ScopedDetailView):
    model = Competence
    template_name = "training/sessions/competence_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["courses"] = self.object.courses.order_by("code")
        ctx["may_change"] = can(self.request.user, "change", self.object)
        return ctx


class CompetenceHistoryView(HistoryView):
    model = Competence


def _competence_data(form):
    data = dict(form.cleaned_data)
    for name in ("name_vi", "name_zh_hans", "name_zh_hant", "description"):
        data[name] = data.get(name) or ""
    return data


class CompetenceCreateView(ServiceFormView):
    model = Competence
    action = "add"
    form_class = CompetenceForm
    title = _("New competence")
    success_message = _("The competence was added to the catalogue.")

    def perform(self, form):
        return on_fields(form, services.competence_create, acting_user=self.request.user, **_competence_data(form))


class CompetenceEditView(ObjectFormView):
    model = Competence
    form_class = CompetenceForm
    title = _("Change the competence")
    success_message = _("Saved.")

    def get_initial(self):
        c = self.object
        return {name: getattr(c, name) for name in services.COMPETENCE_FIELDS}

    def perform(self, form):
        return on_fields(form, services.competence_update, acting_user=self.request.user, competence=self.object,
                         **_competence_data(form))


# ---- courses -------------------------------------------------------------------------------------------
class CourseListView(ScopedListView):
    model = Course
    filterset_class = CourseFilter
    table_template = "training/sessions/course_rows.html"
    title = _("Courses")
    create_url = "training:course_create"
    cache_generations = cached.COURSE_LIST

    def get_queryset(self):
        return selectors.course_list_queryset(self.request.user)


class CourseDetailView(ScopedDetailView):
    model = Course
    template_name = "training/sessions/course_detail.html"
    related = ("revision__document",)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["competences"] = self.object.competences.order_by("code")
        ctx["sessions"] = selectors.session_list_queryset(user).filter(course=self.object)[:10]
        ctx["may_change"] = can(user, "change", self.object)
        ctx["may_plan"] = user.has_perm("training.add_session") and self.object.is_active
        return ctx


class CourseHistoryView(HistoryView):
    model = Course


def _course_data(form):
    data = dict(form.cleaned_data)
    data["description"] = data.get("description") or ""
    data["competences"] = list(data.get("competences") or [])
    return data


class CourseCreateView(ServiceFormView):
    model = Course
    action = "add"
    form_class = CourseForm
    title = _("New course")
    success_message = _("The course was added to the catalogue. Add its materials on its page.")

    def perform(self, form):
        return on_fields(form, services.course_create, acting_user=self.request.user, **_course_data(form))


class CourseEditView(ObjectFormView):
    model = Course
    form_class = CourseForm
    title = _("Change the course")
    success_message = _("Saved.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["course"] = self.object
        return kwargs

    def get_initial(self):
        c = self.object
        initial = {name: getattr(c, name) for name in services.COURSE_FIELDS}
        initial["competences"] = list(c.competences.values_list("pk", flat=True))
        return initial

    def perform(self, form):
        return on_fields(form, services.course_update, acting_user=self.request.user, course=self.object,
                         **_course_data(form))


# ---- sessions ------------------------------------------------------------------------------------------
class SessionListView(ScopedListView):
    """The sessions in the reader's scope (their units', and those naming them as trainer), newest
    first; filters by unit subtree, status, course, dates, a search, and "mine"."""

    model = Session
    filterset_class = SessionFilter
    table_template = "training/sessions/session_rows.html"
    title = _("Training sessions")
    create_url = "training:session_create"
    keyset = ("-starts_at", "-pk")
    # (Its state is the stored status, changed by the workflow: nothing on it turns on the time of day.)
    cache_generations = cached.SESSION_LIST

    def get_queryset(self):
        return selectors.session_list_queryset(self.request.user)

    def complete_rows(self, rows):
        return selectors.with_counts(rows)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["rows"] = session_rows(ctx["object_list"])
        return ctx


SESSION_BADGES = {"closed": "secondary", "cancelled": "danger", "held": "success"}  # planned, invited: light


def session_rows(sessions):
    """The sessions table's rows (``<tr>`` … for each session, with its counts from
    ``with_counts``), written in Python: the template engine took longer over a page of rows than
    the database took to find them (a first visit renders them all). The same HTML as a template
    loop would write, every value escaped."""
    fragments.shows(sessions, "number", "course__title", "unit__name", "starts_at", "trainer__full_name",
                    "trainer__username", "external_trainer", "status")
    rows = []
    for s in sessions:
        trainer = (s.trainer.full_name or s.trainer.username) if s.trainer_id else s.external_trainer
        starts = local_date(s.starts_at, "SHORT_DATETIME_FORMAT")
        rows.append(
            f'<tr><td class="text-nowrap"><a href="{conditional_escape(s.get_absolute_url())}">'
            f"{conditional_escape(s.number)}</a></td>"
            f"<td>{conditional_escape(s.course.title)}</td>"
            f"<td>{conditional_escape(s.unit.name)}</td>"
            f'<td class="text-nowrap">{conditional_escape(starts)}</td>'
            f"<td>{conditional_escape(trainer)}</td>"
            f'<td><span class="badge text-bg-{SESSION_BADGES.get(s.status, "light border")}">'
            f'{conditional_escape(choice_label(s, "status"))}</span></td>'
            f'<td class="text-end">{conditional_escape(s.n_present)} / {conditional_escape(s.n_people)}</td></tr>'
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value escaped above


class SessionDetailView(ScopedDetailView):
    """A session's page: its course, trainer, time and place, its state and actions, who is invited
    and their attendance, its materials, and every part's panel."""

    model = Session
    template_name = "training/sessions/session_detail.html"
    related = ("course", "trainer", "unit")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        session, user = self.object, self.request.user
        ctx["session"] = session
        ctx["participants"] = selectors.participants_of(session)
        ctx["counts"] = selectors.attendance_counts(session)
        ctx["competences"] = session.course.competences.order_by("code")
        ctx["may_change"] = services.may_change(user, session)
        ctx["may_invite"] = can(user, services.CHANGE, session) and invitations.session_may_invite(session)
        ctx["may_mark"] = can(user, MARK, session) and attendance_open(session)
        ctx["started"] = services.has_started(session)
        ctx["over_capacity"] = session.capacity is not None and ctx["counts"]["total"] > session.capacity
        return ctx


class SessionHistoryView(HistoryView):
    model = Session
    related = ("course", "unit")


def _session_data(form):
    data = dict(form.cleaned_data)
    for name in ("external_trainer", "external_organisation", "place", "note"):
        data[name] = data.get(name) or ""
    return data


class SessionCreateView(ServiceFormView):
    model = Session
    action = "add"
    form_class = SessionForm
    title = _("Plan a training session")
    success_message = _("The session was planned. Invite people, then send the invitations.")

    def get_initial(self):
        user, initial = self.request.user, {}
        unit = user.primary_unit
        if unit is not None and can(user, "training.add_session", unit):
            initial["unit"] = unit.pk
        course = self.request.GET.get("course", "")
        if course.isdigit():
            initial["course"] = int(course)
        return initial

    def perform(self, form):
        return on_fields(form, services.session_create, acting_user=self.request.user, **_session_data(form))


class SessionEditView(ObjectFormView):
    model = Session
    form_class = SessionForm
    title = _("Change the session")
    success_message = _("Saved.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["session"] = self.object
        return kwargs

    def get_initial(self):
        s = self.object
        initial = {name: getattr(s, name) for name in services.SESSION_FIELDS}
        initial["starts_at"] = timezone.localtime(s.starts_at)
        initial["ends_at"] = timezone.localtime(s.ends_at)
        return initial

    def perform(self, form):
        return on_fields(form, services.session_update, acting_user=self.request.user, session=self.object,
                         **_session_data(form))


class SessionTransitionView(TransitionView):
    model = Session
    service = services.session_transition
    object_kwarg = "session"


class SessionInviteView(ObjectFormView):
    """Invite people by unit (with or without its sub-units), role or name, several at once."""

    model = Session
    action = services.CHANGE
    form_class = InviteForm
    template_name = "training/sessions/invite_form.html"
    title = _("Invite people")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["session"] = self.object
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["session"] = self.object
        try:
            invitations.check_open_for_invitations(self.object)
            ctx["blocked"] = ""
        except ValidationError as error:
            ctx["blocked"] = " ".join(error.messages)
        return ctx

    def perform(self, form):
        data = form.cleaned_data
        result = on_fields(form, invitations.session_invite, acting_user=self.request.user, session=self.object,
                           units=list(data.get("units") or []), include_subunits=data.get("include_subunits", False),
                           roles=list(data.get("roles") or []), people=list(data.get("people") or []))
        message, warning = invitations.describe(result)
        messages.success(self.request, message)
        if warning:
            messages.warning(self.request, warning)
        return self.object
