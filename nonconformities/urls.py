"""URLs of the nonconformities area."""

from django.urls import path

from .views import actions as action_views
from .views import nonconformity as nc_views

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
]
