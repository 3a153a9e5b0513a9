"""URLs of the nonconformities area."""

from django.urls import path

from .views import nonconformity as nc_views

app_name = "nonconformities"
urlpatterns = [
    # --- nc-core: nonconformities, corrective actions, extensions ---
    path("", nc_views.RegisterView.as_view(), name="register"),
    path("<int:pk>/", nc_views.NonconformityDetailView.as_view(), name="nonconformity_detail"),
    path("<int:pk>/history/", nc_views.NonconformityHistoryView.as_view(), name="nonconformity_history"),
    path("<int:pk>/do/<str:transition>/", nc_views.NonconformityTransitionView.as_view(),
         name="nonconformity_transition"),
    path("actions/<int:pk>/", nc_views.ActionDetailView.as_view(), name="action_detail"),
    path("actions/<int:pk>/history/", nc_views.ActionHistoryView.as_view(), name="correctiveaction_history"),
    path("extensions/<int:pk>/", nc_views.ExtensionDecideView.as_view(), name="extension_decide"),
]
