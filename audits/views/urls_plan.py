"""URLs of the plan part: programmes and audit plans (namespace ``audits``)."""

from django.urls import path

from . import plan, plan_programme, programme_register

urlpatterns = [
    path("", plan.AuditListView.as_view(), name="audit_list"),
    path("new/", plan.AuditCreateView.as_view(), name="audit_create"),
    path("<int:pk>/", plan.AuditDetailView.as_view(), name="audit_detail"),
    path("<int:pk>/edit/", plan.AuditEditView.as_view(), name="audit_edit"),
    path("<int:pk>/history/", plan.AuditHistoryView.as_view(), name="audit_history"),
    path("<int:pk>/plan.pdf", plan.AuditPlanPdfView.as_view(), name="audit_plan_pdf"),
    path("<int:pk>/do/<str:transition>/", plan.AuditTransitionView.as_view(), name="audit_transition"),
    path("programmes/", plan_programme.ProgrammeListView.as_view(), name="programme_list"),
    path("programmes/new/", plan_programme.ProgrammeCreateView.as_view(), name="programme_create"),
    path("programmes/<int:pk>/", plan_programme.ProgrammeDetailView.as_view(), name="programme_detail"),
    path("programmes/<int:pk>/edit/", plan_programme.ProgrammeEditView.as_view(), name="programme_edit"),
    path("programmes/<int:pk>/history/", plan_programme.ProgrammeHistoryView.as_view(), name="programme_history"),
    path("programmes/<int:pk>/do/<str:transition>/", plan_programme.ProgrammeTransitionView.as_view(),
         name="programme_transition"),
    path("programmes/<int:pk>/ask-approval/", plan_programme.ProgrammeSubmitView.as_view(),
         name="programme_submit"),
    path("programmes/<int:pk>/entries/new/", plan_programme.EntryCreateView.as_view(), name="programme_entry_create"),
    path("programme-entries/", programme_register.ProgrammeEntryListView.as_view(), name="programme_entry_list"),
    path("programme-entries/<int:pk>/edit/", plan_programme.EntryEditView.as_view(), name="programme_entry_edit"),
    path("programme-entries/<int:pk>/remove/", plan_programme.EntryRemoveView.as_view(),
         name="programme_entry_remove"),
]
