from django.urls import path

from . import report_views, rollout_views, views

urlpatterns = [
    path("", views.DashboardView.as_view(), name="steering_dashboard"),
    path("dashboard.pdf", views.DashboardPdfView.as_view(), name="steering_dashboard_pdf"),
    # the rollout board (a unit's page is named by the unit)
    path("rollout/", rollout_views.RolloutBoardView.as_view(), name="rollout_board"),
    path("rollout/<int:pk>/", rollout_views.RolloutDetailView.as_view(), name="rollout_detail"),
    path("rollout/<int:pk>/history/", rollout_views.RolloutHistoryView.as_view(), name="rollout_history"),
    path("rollout/<int:pk>/move/", rollout_views.RolloutMoveView.as_view(), name="rollout_move"),
    path("rollout/<int:pk>/plan/", rollout_views.RolloutPlanView.as_view(), name="rollout_plan"),
    path("rollout/<int:pk>/tick/<slug:item>/", rollout_views.RolloutTickView.as_view(), name="rollout_tick"),
    path("rollout/tick/<int:pk>/withdraw/", rollout_views.RolloutTickWithdrawView.as_view(),
         name="rollout_tick_withdraw"),
    # the annual ISO report
    path("reports/", report_views.AnnualReportListView.as_view(), name="annualreport_list"),
    path("reports/new/", report_views.AnnualReportCreateView.as_view(), name="annualreport_create"),
    path("reports/<int:pk>/", report_views.AnnualReportDetailView.as_view(), name="annualreport_detail"),
    path("reports/<int:pk>/history/", report_views.AnnualReportHistoryView.as_view(), name="annualreport_history"),
    path("reports/<int:pk>/edit/", report_views.AnnualReportUpdateView.as_view(), name="annualreport_edit"),
    path("reports/<int:pk>/xlsx/", report_views.AnnualReportExportView.as_view(), name="annualreport_xlsx"),
    path("reports/<int:pk>/pdf/", report_views.AnnualReportPdfView.as_view(), name="annualreport_pdf"),
    path("reports/<int:pk>/<slug:transition>/", report_views.AnnualReportTransitionView.as_view(),
         name="annualreport_transition"),
]
