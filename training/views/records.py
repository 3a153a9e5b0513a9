"""The records part's pages: the attendance sheet PDF, certificates of completion (one participant's,
or all of a session's as one PDF), the participant's feedback form, a person's own certificates and
feedback, and the department heads' effectiveness checks (list, page, History, the form)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from qms_portal.pdf import han_variant, pdf_response
from qms_portal.permissions import can
from qms_portal.views.generic import (
    HistoryView,
    ObjectFormView,
    ObjectPdfView,
    PageView,
    ScopedDetailView,
    ScopedListView,
)

from .. import cached
from ..forms.records import EffectivenessFilter, EffectivenessForm, FeedbackForm
from ..models import EffectivenessCheck, Participant, Session
from ..selectors import records as selectors
from ..services import records as services


def _language(user):
    return (user.language or "en").lower()


def _session_url(session):
    """The session's page (the sessions part's), or "" where that part is not installed."""
    try:
        return session.get_absolute_url()
    except NoReverseMatch:
        return ""


def _back(request, participant):
    """Where a refused download sends the person back to: their own list, or the session's page."""
    if participant.user_id == request.user.pk and not can(request.user, "view", participant.session):
        return reverse("training:my_records")
    return participant.session.get_absolute_url()


class SessionAttendanceSheetView(ObjectPdfView):
    """The attendance sheet (PDF) of a session, for whoever may read the session: the session, its
    participants by unit with a column to sign, the absentees with their reasons, the walk-ins."""

    model = Session
    related = ("course", "unit", "trainer")
    pdf_template = "training/records/pdf_attendance_sheet.html"

    def pdf_context(self, session):
        return selectors.attendance_sheet_context(session, self.request.user)

    def pdf_filename(self, session):
        return f"{session.number or session.pk}-attendance.pdf"


def certificate_context(participant):
    session = participant.session
    return {"participant": participant, "session": session, "course": session.course,
            "trainer": selectors.trainer_label(session),
            "han": han_variant(participant.user.full_name, session.course.title, session.unit.name),
            "hours": session.course.duration_hours}


class ParticipantCertificateView(ObjectPdfView):
    """A participant's certificate of completion (PDF) in the PARTICIPANT's language, whoever
    downloads it: the person, or whoever may read the participation. The first download issues its
    number. An absentee, someone excused or not recorded, or a failed test: refused with a message."""

    model = Participant
    related = ("session__course", "session__unit", "session__trainer", "user", "unit")
    unavailable = (ValidationError,)  # refused: a message and back

    def pdf_response(self, participant):
        services.certificate_issue(acting_user=self.request.user, participant=participant)
        with translation.override(_language(participant.user)):
            return pdf_response("training/records/pdf_certificate.html", certificate_context(participant),
                                f"{participant.certificate_number}.pdf")

    def back_url(self, participant):
        return _back(self.request, participant)


class SessionCertificatesView(ObjectPdfView):
    """Every certificate of a session as one PDF (a page each, each in its participant's language),
    for the session's coordinator. Those who may have one are issued theirs; the others are left out
    and said in a message when nobody may have one."""

    model = Session
    action = "training.change_participant"
    related = ("course", "unit", "trainer")

    def pdf_response(self, session):
        request = self.request
        pages = []
        participants = session.participants.select_related("user", "unit").order_by("unit__path", "user__full_name",
                                                                                     "id")
        for participant in participants:
            participant.session = session
            if services.certificate_refusal(participant):
                continue
            services.certificate_issue(acting_user=request.user, participant=participant)
            with translation.override(_language(participant.user)):
                ctx = certificate_context(participant) | {"language": translation.get_language()}
                pages.append(render_to_string("training/records/certificate_page.html", ctx))
        if not pages:
            messages.error(request, _("No participant of this session may have a certificate yet: nobody was "
                                      "recorded present (and passed the test, when there is one)."))
            return HttpResponseRedirect(session.get_absolute_url())
        return pdf_response("training/records/pdf_certificates.html", {"session": session, "pages": pages},
                            f"{session.number or session.pk}-certificates.pdf")


class ParticipantFeedbackView(ObjectFormView):
    """The participant's feedback form on a session they attended (signed in). Whoever else may read
    the participation sees whether it was given, not the answers."""

    model = Participant
    action = "view"
    form_class = FeedbackForm
    template_name = "training/records/feedback_form.html"
    title = _("Your feedback on the training session")
    success_message = _("Thank you: your feedback was saved.")
    related = ("session__course", "session__unit", "session__trainer", "user")

    def post(self, request, *args, **kwargs):
        if self.object.user_id != request.user.pk:
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def get_initial(self):
        feedback = getattr(self.object, "feedback", None) if self._has_feedback() else None
        if feedback is None:
            return {}
        return {name: getattr(feedback, name) for name in ("relevance", "content", "trainer", "overall", "comment")}

    def _has_feedback(self):
        from ..models import Feedback

        return Feedback.objects.filter(participant=self.object).exists()

    def perform(self, form):
        services.feedback_submit(acting_user=self.request.user, participant=self.object, **form.cleaned_data)
        return None

    def get_success_url(self):
        return reverse("training:my_records")

    def get_context_data(self, **kwargs):
        # (not ServiceFormView's: its "cancel" link is the object's page, the session's, not the person's)
        ctx = FormView.get_context_data(self, **kwargs)
        ctx.update(title=self.title, object=self.object)
        participant = self.object
        mine = participant.user_id == self.request.user.pk
        ctx.update(participant=participant, session=participant.session, mine=mine,
                   refusal=services.feedback_refusal(self.request.user, participant),
                   given=self._has_feedback(), trainer=selectors.trainer_label(participant.session),
                   cancel_url=reverse("training:my_records"))
        return ctx


class MyRecordsView(PageView):
    """A person's own sessions held: their attendance, certificate (download) and feedback (give)."""

    template_name = "training/records/my_records.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        rows = list(selectors.own_participations(self.request.user)[:200])
        for p in rows:
            p.refusal = services.certificate_refusal(p)
        ctx.update(rows=rows, title=_("My certificates and feedback"))
        return ctx


class EffectivenessListView(ScopedListView):
    """The effectiveness checks a department head has to make for their people (the participant's
    unit in their scope), due within 14 days or overdue first; the other states by the filter."""

    model = EffectivenessCheck
    action = "training.check_effectiveness"
    filterset_class = EffectivenessFilter
    table_template = "training/records/check_rows.html"
    title = _("Training effectiveness checks")
    cache_generations = cached.CHECK_LIST  # "due", "late" turn on the day, which is in the key

    def get_queryset(self):
        return selectors.checks_queryset(self.request.user).order_by("due_on", "pk")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["today"] = timezone.localdate()
        return ctx


class EffectivenessDetailView(ScopedDetailView):
    model = EffectivenessCheck
    template_name = "training/records/check_detail.html"
    related = ("participant__user", "participant__unit", "participant__session__course",
               "participant__session__unit", "checked_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        check = self.object
        session = check.participant.session
        may_view_session = can(self.request.user, "view", session)
        may_record = not check.checked_on and can(self.request.user, "training.check_effectiveness", check)
        ctx.update(may_view_session=may_view_session, may_record=may_record,
                   session=session, today=timezone.localdate(),
                   session_url=_session_url(session) if may_view_session else "")
        return ctx


class EffectivenessHistoryView(HistoryView):
    model = EffectivenessCheck
    related = ("participant__user", "participant__session__course")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["details_url"] = reverse("training:effectivenesscheck_detail", args=[self.object.pk])
        ctx["tabs_template"] = "training/records/check_tabs.html"  # its own Details, not the session's page
        return ctx


class EffectivenessRecordView(ObjectFormView):
    model = EffectivenessCheck
    action = "training.check_effectiveness"
    form_class = EffectivenessForm
    template_name = "training/records/check_form.html"
    title = _("Record the effectiveness of the training")
    success_message = _("The effectiveness check was recorded.")
    related = ("participant__user", "participant__unit", "participant__session__course", "participant__session__unit")

    def perform(self, form):
        try:
            return services.effectivenesscheck_record(acting_user=self.request.user, check=self.object,
                                                      **form.cleaned_data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, errors in error.error_dict.items():
                    for e in errors:
                        form.add_error(name if name in form.fields else None, e)
                raise ValidationError([]) from error
            raise

    def get_success_url(self):
        return reverse("training:effectivenesscheck_detail", args=[self.object.pk])

    def get_context_data(self, **kwargs):
        ctx = FormView.get_context_data(self, **kwargs)
        ctx.update(title=self.title, object=self.object, check=self.object, session=self.object.participant.session,
                   cancel_url=reverse("training:effectivenesscheck_detail", args=[self.object.pk]))
        return ctx
