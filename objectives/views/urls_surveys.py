"""URLs of the surveys part (namespace ``objectives``)."""

from django.urls import path

from . import surveys as views

urlpatterns = [
    path("surveys/", views.SurveyListView.as_view(), name="survey_list"),
    path("surveys/new/", views.SurveyCreateView.as_view(), name="survey_create"),
    path("surveys/<int:pk>/", views.SurveyDetailView.as_view(), name="survey_detail"),
    path("surveys/<int:pk>/edit/", views.SurveyEditView.as_view(), name="survey_edit"),
    path("surveys/<int:pk>/history/", views.SurveyHistoryView.as_view(), name="survey_history"),
    path("surveys/<int:pk>/do/<str:transition>/", views.SurveyTransitionView.as_view(), name="survey_transition"),
    path("surveys/<int:pk>/links/", views.SurveyLinksView.as_view(), name="survey_links"),
    path("surveys/<int:pk>/general-link/", views.SurveyGeneralLinkView.as_view(), name="survey_general_link"),
    path("surveys/<int:pk>/invite/", views.SurveyInviteView.as_view(), name="survey_invite"),
    path("surveys/<int:pk>/results/", views.SurveyResultsView.as_view(), name="survey_results"),
    path("surveys/<int:pk>/results.xlsx", views.SurveyResultsXlsxView.as_view(), name="survey_results_xlsx"),
    path("surveys/<int:pk>/results.pdf", views.SurveyResultsPdfView.as_view(), name="survey_results_pdf"),
]
