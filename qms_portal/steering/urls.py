from django.urls import path

from . import views

urlpatterns = [
    path("", views.DashboardView.as_view(), name="steering_dashboard"),
    path("dashboard.pdf", views.DashboardPdfView.as_view(), name="steering_dashboard_pdf"),
]
