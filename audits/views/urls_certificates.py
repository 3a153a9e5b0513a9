"""URLs of the certificates part (namespace ``audits``)."""

from django.urls import path

from . import certificates as views

urlpatterns = [
    path("certificates/", views.CertificateListView.as_view(), name="certificate_list"),
    path("certificates/new/", views.CertificateCreateView.as_view(), name="certificate_create"),
    path("certificates/<int:pk>/", views.CertificateDetailView.as_view(), name="certificate_detail"),
    path("certificates/<int:pk>/edit/", views.CertificateEditView.as_view(), name="certificate_edit"),
    path("certificates/<int:pk>/withdraw/", views.CertificateWithdrawView.as_view(), name="certificate_withdraw"),
    path("certificates/<int:pk>/history/", views.CertificateHistoryView.as_view(), name="certificate_history"),
    path("surveillance/", views.SurveillanceDueView.as_view(), name="surveillance_due"),
    path("surveillance/<int:pk>/edit/", views.SurveillanceEditView.as_view(), name="surveillance_edit"),
    path("figures/", views.FiguresView.as_view(), name="figures"),
]
