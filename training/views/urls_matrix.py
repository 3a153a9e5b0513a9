"""URLs of the matrix part (namespace ``training``)."""

from django.urls import path

from . import matrix as views
from .revision_trainings import RevisionTrainingListView

urlpatterns = [
    path("matrix/", views.MatrixView.as_view(), name="matrix"),
    path("matrix/export/", views.MatrixExportView.as_view(), name="matrix_export"),
    path("revision-trainings/", RevisionTrainingListView.as_view(), name="revision_trainings"),
]
