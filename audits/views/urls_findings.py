"""URLs of the findings part (namespace ``audits``)."""

from django.urls import path

from . import findings as views
from . import findings_report as report

urlpatterns = [
    path("findings/", views.FindingListView.as_view(), name="finding_list"),
    path("findings/<int:pk>/", views.FindingDetailView.as_view(), name="finding_detail"),
    path("findings/<int:pk>/history/", views.FindingHistoryView.as_view(), name="finding_history"),
    path("findings/<int:pk>/edit/", views.FindingEditView.as_view(), name="finding_edit"),
    path("findings/<int:pk>/raise/", views.FindingRaiseView.as_view(), name="finding_raise"),
    path("findings/<int:pk>/link/", views.FindingLinkView.as_view(), name="finding_link"),
    path("findings/<int:pk>/improvement/", views.FindingImprovementView.as_view(), name="finding_improvement"),
    path("<int:pk>/findings/new/", views.FindingCreateView.as_view(), name="finding_create"),
    path("<int:pk>/findings/raise/", views.AuditRaiseAllView.as_view(), name="audit_findings_raise"),
    path("<int:pk>/report/", report.AuditReportView.as_view(), name="audit_report"),
    path("<int:pk>/report.pdf", report.AuditReportPdfView.as_view(), name="audit_report_pdf"),
    path("<int:pk>/response/", report.AuditResponseView.as_view(), name="audit_response"),
    path("<int:pk>/response/due/", report.AuditResponseDueView.as_view(), name="audit_response_due"),
    path("<int:pk>/response.pdf", report.AuditResponsePdfView.as_view(), name="audit_response_pdf"),
]
