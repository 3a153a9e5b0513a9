"""URLs of the risks part (namespace ``objectives``)."""

from django.urls import path

from . import risks as views

urlpatterns = [
    path("risks/", views.RiskListView.as_view(), name="risk_list"),
    path("risks/new/", views.RiskCreateView.as_view(), name="risk_create"),
    path("risks/export/", views.RiskExportView.as_view(), name="risk_export"),
    path("risks/<int:pk>/", views.RiskDetailView.as_view(), name="risk_detail"),
    path("risks/<int:pk>/edit/", views.RiskEditView.as_view(), name="risk_edit"),
    path("risks/<int:pk>/review/", views.RiskReviewView.as_view(), name="risk_review"),
    path("risks/<int:pk>/history/", views.RiskHistoryView.as_view(), name="risk_history"),
    path("risks/<int:pk>/actions/new/", views.RiskActionCreateView.as_view(), name="risk_action_create"),
    path("risk-actions/<int:pk>/done/", views.RiskActionDoneView.as_view(), name="risk_action_done"),
    path("risk-actions/<int:pk>/cancel/", views.RiskActionCancelView.as_view(), name="risk_action_cancel"),
]
