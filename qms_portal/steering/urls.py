from django.urls import path

from . import rollout_views, views

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
]
