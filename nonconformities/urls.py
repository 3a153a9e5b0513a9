"""URLs of the nonconformities area."""

from django.urls import path

from .views import actions as action_views
from .views import desk_cases, desk_feedback, desk_outputs
from .views import figures as figure_views  # ncreports
from .views import nonconformity as nc_views
from .views import reports as report_views  # ncreports

app_name = "nonconformities"
urlpatterns = [
    # --- nc-core: nonconformities, corrective actions, extensions ---
    path("", nc_views.RegisterView.as_view(), name="register"),
    path("new/", nc_views.NonconformityCreateView.as_view(), name="nonconformity_create"),
    path("<int:pk>/", nc_views.NonconformityDetailView.as_view(), name="nonconformity_detail"),
    path("<int:pk>/history/", nc_views.NonconformityHistoryView.as_view(), name="nonconformity_history"),
    path("<int:pk>/do/<str:transition>/", nc_views.NonconformityTransitionView.as_view(),
         name="nonconformity_transition"),
    path("<int:pk>/edit/", nc_views.NonconformityEditView.as_view(), name="nonconformity_edit"),
    path("<int:pk>/analysis/", nc_views.AnalysisView.as_view(), name="nonconformity_analysis"),
    path("<int:pk>/plan/", nc_views.PlanView.as_view(), name="nonconformity_plan"),
    path("actions/", nc_views.ActionListView.as_view(), name="action_list"),
    path("actions/<int:pk>/", action_views.ActionDetailView.as_view(), name="action_detail"),
    path("actions/<int:pk>/history/", action_views.ActionHistoryView.as_view(), name="correctiveaction_history"),
    path("actions/<int:pk>/start/", action_views.ActionStartView.as_view(), name="action_start"),
    path("actions/<int:pk>/complete/", action_views.ActionCompleteView.as_view(), name="action_complete"),
    path("actions/<int:pk>/edit/", action_views.ActionEditView.as_view(), name="action_edit"),
    path("actions/<int:pk>/cancel/", action_views.ActionCancelView.as_view(), name="action_cancel"),
    path("actions/<int:pk>/extension/", action_views.ExtensionRequestView.as_view(), name="extension_request"),
    path("extensions/<int:pk>/", action_views.ExtensionDecideView.as_view(), name="extension_decide"),
    path("extensions/<int:pk>/history/", action_views.ExtensionHistoryView.as_view(), name="extension_history"),
]

# desk: nonconforming outputs (8.7), citizen feedback and the desk's QR code
urlpatterns += [
    path("outputs/", desk_outputs.OutputListView.as_view(), name="output_list"),
    path("outputs/new/", desk_outputs.OutputCreateView.as_view(), name="output_create"),
    path("outputs/<int:pk>/", desk_outputs.OutputDetailView.as_view(), name="output_detail"),
    path("outputs/<int:pk>/edit/", desk_outputs.OutputEditView.as_view(), name="output_edit"),
    path("outputs/<int:pk>/history/", desk_outputs.OutputHistoryView.as_view(),
         name="nonconformingoutput_history"),
    path("outputs/<int:pk>/raise/", desk_outputs.OutputRaiseView.as_view(), name="output_raise"),
    path("outputs/<int:pk>/apology-letter.pdf", desk_outputs.ApologyLetterView.as_view(), name="output_letter"),
    path("feedback/", desk_feedback.FeedbackListView.as_view(), name="feedback_list"),
    path("feedback/<int:pk>/", desk_feedback.FeedbackDetailView.as_view(), name="feedback_detail"),
    path("feedback/<int:pk>/history/", desk_feedback.FeedbackHistoryView.as_view(), name="citizenfeedback_history"),
    path("feedback/<int:pk>/<slug:transition>/", desk_feedback.FeedbackTransitionView.as_view(),
         name="feedback_transition"),
    path("feedback/files/", desk_cases.CaseRequestListView.as_view(), name="case_request_list"),
    path("feedback/files/new/", desk_cases.CaseLinkCreateView.as_view(), name="case_link_create"),
    path("desk/<int:pk>/", desk_feedback.DeskQrView.as_view(), name="desk_qr"),
    path("desk/<int:pk>/qr.<str:fmt>", desk_feedback.DeskQrImageView.as_view(), name="desk_qr_image"),
    path("desk/<int:pk>/poster/", desk_feedback.DeskPosterView.as_view(), name="desk_poster"),
    path("desk/<int:pk>/new-link/", desk_feedback.DeskLinkCreateView.as_view(), name="desk_link_create"),
    path("desk/<int:pk>/withdraw-link/", desk_feedback.DeskLinkRevokeView.as_view(), name="desk_link_revoke"),
]

# ncreports: a nonconformity's PDF report, the register as XLSX (a background job)
urlpatterns += [
    path("<int:pk>/report.pdf", report_views.NonconformityReportView.as_view(), name="nonconformity_report"),
    path("export/", report_views.RegisterExportView.as_view(), name="register_export"),
    path("figures/", figure_views.FiguresView.as_view(), name="figures"),
]
