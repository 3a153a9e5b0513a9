"""URLs of the nonconformities area (``/nonconformities/``), grouped by part."""

from django.urls import path

from .views import desk_feedback, desk_outputs

app_name = "nonconformities"
urlpatterns = []

# desk: nonconforming outputs (8.7), citizen feedback and the desk's QR code
urlpatterns += [
    path("outputs/", desk_outputs.OutputListView.as_view(), name="output_list"),
    path("outputs/new/", desk_outputs.OutputCreateView.as_view(), name="output_create"),
    path("outputs/<int:pk>/", desk_outputs.OutputDetailView.as_view(), name="output_detail"),
    path("outputs/<int:pk>/edit/", desk_outputs.OutputEditView.as_view(), name="output_edit"),
    path("outputs/<int:pk>/history/", desk_outputs.OutputHistoryView.as_view(),
         name="nonconformingoutput_history"),
    path("outputs/<int:pk>/apology-letter.pdf", desk_outputs.ApologyLetterView.as_view(), name="output_letter"),
    path("feedback/", desk_feedback.FeedbackListView.as_view(), name="feedback_list"),
    path("feedback/<int:pk>/", desk_feedback.FeedbackDetailView.as_view(), name="feedback_detail"),
    path("feedback/<int:pk>/history/", desk_feedback.FeedbackHistoryView.as_view(), name="citizenfeedback_history"),
    path("feedback/<int:pk>/<slug:transition>/", desk_feedback.FeedbackTransitionView.as_view(),
         name="feedback_transition"),
    path("desk/<int:pk>/", desk_feedback.DeskQrView.as_view(), name="desk_qr"),
    path("desk/<int:pk>/qr.<str:fmt>", desk_feedback.DeskQrImageView.as_view(), name="desk_qr_image"),
    path("desk/<int:pk>/poster/", desk_feedback.DeskPosterView.as_view(), name="desk_poster"),
    path("desk/<int:pk>/new-link/", desk_feedback.DeskLinkCreateView.as_view(), name="desk_link_create"),
    path("desk/<int:pk>/withdraw-link/", desk_feedback.DeskLinkRevokeView.as_view(), name="desk_link_revoke"),
]
