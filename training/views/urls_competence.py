"""URLs of the competence part (namespace ``training``)."""

from django.urls import path

from . import competence as views

urlpatterns = [
    path("requirements/", views.RequirementListView.as_view(), name="requirement_list"),
    path("requirements/new/", views.RequirementCreateView.as_view(), name="requirement_create"),
    path("requirements/<int:pk>/edit/", views.RequirementEditView.as_view(), name="requirement_edit"),
    path("requirements/<int:pk>/deactivate/", views.RequirementDeactivateView.as_view(),
         name="requirement_deactivate"),
    path("requirements/<int:pk>/history/", views.RequirementHistoryView.as_view(), name="requirement_history"),
    path("qualifications/", views.QualificationListView.as_view(), name="qualification_list"),
    path("qualifications/new/", views.QualificationCreateView.as_view(), name="qualification_create"),
    path("qualifications/<int:pk>/", views.QualificationDetailView.as_view(), name="qualification_detail"),
    path("qualifications/<int:pk>/edit/", views.QualificationEditView.as_view(), name="qualification_edit"),
    path("qualifications/<int:pk>/withdraw/", views.QualificationWithdrawView.as_view(),
         name="qualification_withdraw"),
    path("qualifications/<int:pk>/history/", views.QualificationHistoryView.as_view(),
         name="qualification_history"),
    path("my-training/", views.MyTrainingView.as_view(), name="my_training"),
]
