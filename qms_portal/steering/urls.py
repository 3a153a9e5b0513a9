from django.urls import path

from . import evaluation_views as ev
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
    # the evaluation of units
    path("evaluations/", ev.EvaluationListView.as_view(), name="evaluation_list"),
    path("evaluations/new/", ev.EvaluationCreateView.as_view(), name="evaluation_create"),
    path("evaluations/<int:pk>/", ev.EvaluationDetailView.as_view(), name="evaluation_detail"),
    path("evaluations/<int:pk>/ranking/", ev.EvaluationRankingView.as_view(), name="evaluation_ranking"),
    path("evaluations/<int:pk>/history/", ev.EvaluationHistoryView.as_view(), name="evaluation_history"),
    path("evaluations/<int:pk>/edit/", ev.EvaluationUpdateView.as_view(), name="evaluation_edit"),
    path("evaluations/<int:pk>/xlsx/", ev.EvaluationExportView.as_view(), name="evaluation_xlsx"),
    path("evaluations/<int:pk>/pdf/", ev.EvaluationPdfView.as_view(), name="evaluation_pdf"),
    path("evaluations/<int:pk>/<slug:transition>/", ev.EvaluationTransitionView.as_view(),
         name="evaluation_transition"),
    path("sheets/", ev.SheetListView.as_view(), name="unitevaluation_list"),
    path("sheets/<int:pk>/", ev.SheetDetailView.as_view(), name="unitevaluation_detail"),
    path("sheets/<int:pk>/history/", ev.SheetHistoryView.as_view(), name="unitevaluation_history"),
    path("sheets/<int:pk>/score/", ev.SheetScoreView.as_view(), name="unitevaluation_score"),
    path("sheets/<int:pk>/appraise/", ev.SheetAppraiseView.as_view(), name="unitevaluation_appraise"),
    path("sheets/<int:pk>/<slug:transition>/", ev.SheetTransitionView.as_view(), name="unitevaluation_transition"),
]
