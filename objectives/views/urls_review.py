"""URLs of the review part: management reviews and their decisions (namespace ``objectives``)."""

from django.urls import path

from . import review

urlpatterns = [
    path("reviews/", review.ReviewListView.as_view(), name="review_list"),
    path("reviews/new/", review.ReviewCreateView.as_view(), name="review_create"),
    path("reviews/<int:pk>/", review.ReviewDetailView.as_view(), name="review_detail"),
    path("reviews/<int:pk>/edit/", review.ReviewEditView.as_view(), name="review_edit"),
    path("reviews/<int:pk>/history/", review.ReviewHistoryView.as_view(), name="review_history"),
    path("reviews/<int:pk>/do/<str:transition>/", review.ReviewTransitionView.as_view(), name="review_transition"),
    path("reviews/<int:pk>/minutes.pdf", review.ReviewMinutesPdfView.as_view(), name="review_minutes_pdf"),
    path("reviews/<int:pk>/decisions/new/", review.DecisionAddView.as_view(), name="decision_add"),
    path("decisions/", review.DecisionListView.as_view(), name="decision_list"),
    path("decisions/<int:pk>/", review.DecisionDetailView.as_view(), name="decision_detail"),
    path("decisions/<int:pk>/history/", review.DecisionHistoryView.as_view(), name="decision_history"),
    path("decisions/<int:pk>/done/", review.DecisionDoneView.as_view(), name="decision_done"),
    path("decisions/<int:pk>/cancel/", review.DecisionCancelView.as_view(), name="decision_cancel"),
]
