"""Attendance on a phone: the list of names with large targets (present / absent with a reason /
excused, the test score when the course has one), for the session's trainer or the training
coordinator (``training.mark_attendance``). Each row is saved on its own with htmx (the row comes
back, with its message); without JavaScript the whole list is one form, saved at once. A person who
was not invited is added as a walk-in."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from qms_portal.permissions import can
from qms_portal.views.generic import ObjectMixin, ServiceFormView

from ..forms.sessions import ATTENDANCE_CHOICES, WalkInForm
from ..models import Participant, Session
from ..selectors import sessions as selectors
from ..services import sessions_attendance as attendance
from ..services.sessions_attendance import MARK, AttendanceErrors


def _row_values(post, pk):
    return (post.get(f"att-{pk}", ""), post.get(f"reason-{pk}", ""), post.get(f"score-{pk}", ""))


class _AttendanceMixin(ObjectMixin):
    model = Session
    action = MARK
    related = ("course", "trainer")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(MARK):
            raise PermissionDenied
        if request.method.lower() not in self.http_method_names:
            return self.http_method_not_allowed(request, *args, **kwargs)
        self.object = self.get_object()
        return super(ObjectMixin, self).dispatch(request, *args, **kwargs)

    def get_object(self, queryset=None):
        # Whoever may not mark this session's attendance is told the page does not exist, even if
        # they read the session (a department head): the page is the trainer's and coordinator's.
        session = (Session.objects.select_related("unit", *self.related).filter(pk=self.kwargs["pk"]).first())
        if session is None or not can(self.request.user, MARK, session):
            raise Http404
        return session

    def page_url(self):
        return reverse("training:session_attendance", args=[self.object.pk])


class SessionAttendanceView(_AttendanceMixin, View):
    template_name = "training/sessions/attendance.html"

    def context(self, errors=None, typed=None):
        session = self.object
        rows = list(selectors.participants_of(session))
        for p in rows:
            p.errors = (errors or {}).get(p.pk, [])
            if typed and p.pk in typed:
                p.typed = typed[p.pk]
        return {"session": session, "object": session, "rows": rows, "choices": ATTENDANCE_CHOICES,
                "open": attendance.attendance_open(session), "counts": selectors.attendance_counts(session),
                "has_test": session.course.pass_mark is not None,
                "title": _("Attendance")}

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name, self.context())

    def post(self, request, *args, **kwargs):
        session = self.object
        ids = list(session.participants.values_list("pk", flat=True))
        marks = {pk: _row_values(request.POST, pk) for pk in ids if request.POST.get(f"att-{pk}")}
        try:
            with transaction.atomic():
                attendance.attendance_record(acting_user=request.user, session=session, marks=marks)
        except AttendanceErrors as error:
            messages.error(request, _("Nothing was saved: correct the rows marked below."))
            return render(request, self.template_name, self.context(error.rows, marks))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(self.page_url())
        messages.success(request, _("The attendance was saved."))
        return HttpResponseRedirect(self.page_url())


class ParticipantMarkView(_AttendanceMixin, View):
    """One row: with htmx the row comes back (saved, or with its message); without, back to the page."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        participant = (Participant.objects.filter(session=self.object, pk=kwargs["participant"])
                       .select_related("user", "unit", "marked_by").first())
        if participant is None:
            raise Http404
        value, reason, score = _row_values(request.POST, participant.pk)
        errors, saved = [], False
        try:
            attendance.participant_mark(acting_user=request.user, participant=participant, attendance=value,
                                        absence_reason=reason, score=score)
            saved = True
        except ValidationError as error:
            errors = error.messages
        if not request.headers.get("HX-Request"):
            if errors:
                messages.error(request, " ".join(errors))
            return HttpResponseRedirect(f"{self.page_url()}#p{participant.pk}")
        participant.refresh_from_db()
        participant.errors, participant.saved = errors, saved
        if errors:
            participant.typed = (value, reason, score)
        return render(request, "training/sessions/attendance_row.html", {
            "p": participant, "session": self.object, "choices": ATTENDANCE_CHOICES,
            "open": True, "has_test": self.object.course.pass_mark is not None})


class WalkInView(_AttendanceMixin, ServiceFormView):
    """Add a person who was not invited, as present (recorded as a walk-in)."""

    form_class = WalkInForm
    title = _("Add a walk-in")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["session"] = self.object
        return kwargs

    def perform(self, form):
        data = form.cleaned_data
        participant = attendance.participant_walk_in(acting_user=self.request.user, session=self.object,
                                                     user=data["user"], score=data.get("score"))
        messages.success(self.request, _("%(name)s was added as a walk-in (not invited) and marked present.")
                         % {"name": participant.user.full_name or participant.user.username})
        return self.object

    def get_success_url(self):
        return self.page_url()
