"""URLs of the records part (namespace ``training``)."""

from django.urls import path

from . import records as views

urlpatterns = [
    path("sessions/<int:pk>/attendance-sheet.pdf", views.SessionAttendanceSheetView.as_view(),
         name="session_attendance_sheet"),
    path("sessions/<int:pk>/certificates.pdf", views.SessionCertificatesView.as_view(), name="session_certificates"),
    path("participants/<int:pk>/certificate.pdf", views.ParticipantCertificateView.as_view(),
         name="participant_certificate"),
    path("participants/<int:pk>/feedback/", views.ParticipantFeedbackView.as_view(), name="participant_feedback"),
    path("my-certificates/", views.MyRecordsView.as_view(), name="my_records"),
    path("effectiveness/", views.EffectivenessListView.as_view(), name="effectiveness_list"),
    path("effectiveness/<int:pk>/", views.EffectivenessDetailView.as_view(), name="effectivenesscheck_detail"),
    path("effectiveness/<int:pk>/history/", views.EffectivenessHistoryView.as_view(),
         name="effectivenesscheck_history"),
    path("effectiveness/<int:pk>/record/", views.EffectivenessRecordView.as_view(), name="effectiveness_record"),
]
