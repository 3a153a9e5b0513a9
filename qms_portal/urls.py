from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import include, path

from .forms import QueuedPasswordResetForm
from .views import access, attachments, history, home, jobs, people, public, roles, units

handler400 = "qms_portal.views.errors.bad_request"
handler403 = "qms_portal.views.errors.permission_denied"
handler404 = "qms_portal.views.errors.page_not_found"
handler500 = "qms_portal.views.errors.server_error"


@login_not_required
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Changing one's own password goes through the service (history, clears "must change")."""

    def form_valid(self, form):
        from django.contrib.auth import update_session_auth_hash
        from django.http import HttpResponseRedirect

        from . import services

        user = services.user_set_password(acting_user=self.request.user, user=self.request.user,
                                          password=form.cleaned_data["new_password1"], temporary=False)
        update_session_auth_hash(self.request, user)
        return HttpResponseRedirect(self.get_success_url())


accounts = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-change/", PasswordChangeView.as_view(), name="password_change"),
    path("password-change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password-reset/", auth_views.PasswordResetView.as_view(
        form_class=QueuedPasswordResetForm, email_template_name="registration/password_reset_email.txt",
        subject_template_name="registration/password_reset_subject.txt"), name="password_reset"),
    path("password-reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]

admin_pages = [
    path("units/", units.UnitListView.as_view(), name="unit_list"),
    path("units/new/", units.UnitCreateView.as_view(), name="unit_create"),
    path("units/<int:pk>/", units.UnitDetailView.as_view(), name="unit_detail"),
    path("units/<int:pk>/edit/", units.UnitUpdateView.as_view(), name="unit_edit"),
    path("units/<int:pk>/active/", units.UnitActivateView.as_view(), name="unit_activate"),
    path("units/<int:pk>/history/", units.UnitHistoryView.as_view(), name="unit_history"),
    path("units/<int:pk>/roster.pdf", units.UnitRosterPdfView.as_view(), name="unit_roster_pdf"),
    path("people/", people.UserListView.as_view(), name="user_list"),
    path("people/new/", people.UserCreateView.as_view(), name="user_create"),
    path("people/import/", people.UserImportView.as_view(), name="user_import"),
    path("people/<int:pk>/", people.UserDetailView.as_view(), name="user_detail"),
    path("people/<int:pk>/edit/", people.UserUpdateView.as_view(), name="user_edit"),
    path("people/<int:pk>/password/", people.UserPasswordView.as_view(), name="user_password"),
    path("people/<int:pk>/active/", people.UserActivateView.as_view(), name="user_activate"),
    path("people/<int:pk>/history/", people.UserHistoryView.as_view(), name="user_history"),
    path("roles/", roles.RoleListView.as_view(), name="role_list"),
    path("roles/new/", roles.RoleFormView.as_view(action="add"), name="role_create"),
    path("roles/<int:pk>/", roles.RoleFormView.as_view(), name="role_edit"),
    path("roles/<int:pk>/history/", roles.RoleHistoryView.as_view(), name="role_history"),
    path("assignments/", roles.RoleAssignmentListView.as_view(), name="assignment_list"),
    path("assignments/new/", roles.RoleAssignmentCreateView.as_view(), name="assignment_create"),
    path("assignments/<int:pk>/end/", roles.RoleAssignmentEndView.as_view(), name="assignment_end"),
]

urlpatterns = [
    path("", home.MyWorkView.as_view(), name="home"),
    path("healthz", healthz, name="healthz"),
    path("floor/", home.floor, name="floor"),
    path("accounts/", include(accounts)),
    path("inbox/", home.InboxView.as_view(), name="inbox"),
    path("inbox/read/", home.inbox_read, name="inbox_read_all"),
    path("inbox/<int:pk>/read/", home.inbox_read, name="inbox_read"),
    path("preferences/", home.PreferencesView.as_view(), name="preferences"),
    path("i18n/language/", home.switch_language, name="switch_language"),
    # A page for a person without an account, opened by the token in its address (public_links.py).
    path("p/<str:token>/", public.public_link, name="public_link"),
    # The unit picker's options (qms_portal/unit_picker.py), for every form and filter with a unit.
    path("units/pick/", units.unit_search, name="unit_search"),
    path("people/pick/", people.people_search, name="people_search"),
    path("access-requests/", access.AccessRequestListView.as_view(), name="accessrequest_list"),
    path("access-requests/new/", access.AccessRequestCreateView.as_view(), name="accessrequest_create"),
    path("access-requests/<int:pk>/", access.AccessRequestDetailView.as_view(), name="accessrequest_detail"),
    path("access-requests/<int:pk>/history/", access.AccessRequestHistoryView.as_view(),
         name="accessrequest_history"),
    path("access-requests/<int:pk>/<slug:transition>/", access.AccessRequestTransitionView.as_view(),
         name="accessrequest_transition"),
    path("attachments/add/<str:target>/<int:pk>/", attachments.AttachmentAddView.as_view(), name="attachment_add"),
    path("attachments/<int:pk>/", attachments.AttachmentFileView.as_view(), name="attachment_download"),
    path("attachments/<int:pk>/thumbnail/", attachments.AttachmentFileView.as_view(thumbnail=True),
         name="attachment_thumbnail"),
    path("attachments/<int:pk>/withdraw/", attachments.AttachmentWithdrawView.as_view(), name="attachment_withdraw"),
    path("jobs/", jobs.JobListView.as_view(), name="job_list"),
    path("jobs/<int:pk>/", jobs.JobDetailView.as_view(), name="job_detail"),
    path("jobs/<int:pk>/status/", jobs.JobStatusView.as_view(), name="job_status"),
    path("jobs/<int:pk>/download/", jobs.JobDownloadView.as_view(), name="job_download"),
    path("admin/", include(admin_pages)),
    # The steering committee's dashboard (qms_portal/steering/), from the figures the areas register.
    path("steering/", include("qms_portal.steering.urls")),
    # Two versions of one field of any history-tracked record (linked from its History tab).
    path("history/<str:app_label>/<str:model>/<int:pk>/<int:history_id>/<str:field>/",
         history.HistoryCompareView.as_view(), name="history_compare"),
    # Each area's pages under /<area>/ (settings.QMS_AREAS), in its own URL namespace.
    *(path(f"{area}/", include(f"{area}.urls")) for area in settings.QMS_AREAS),
]
