"""URLs of the matrix part (namespace ``training``)."""

from django.urls import path

from . import matrix as views

urlpatterns = [
    path("matrix/", views.MatrixView.as_view(), name="matrix"),
    path("matrix/export/", views.MatrixExportView.as_view(), name="matrix_export"),
]
