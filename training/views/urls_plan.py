"""URLs of the plan part (namespace ``training``): the annual training plans, their items (and the
register of all items), the needs found in the data, the approval, the History tab, the PDF and the
XLSX file."""

from django.urls import path

from . import plan as views

urlpatterns = [
    path("plans/", views.PlanListView.as_view(), name="plan_list"),
    path("plans/items/", views.PlanItemListView.as_view(), name="planitem_list"),
    path("plans/new/", views.PlanCreateView.as_view(), name="plan_create"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("plans/<int:pk>/edit/", views.PlanEditView.as_view(), name="plan_edit"),
    path("plans/<int:pk>/history/", views.PlanHistoryView.as_view(), name="plan_history"),
    path("plans/<int:pk>/pdf/", views.PlanPdfView.as_view(), name="plan_pdf"),
    path("plans/<int:pk>/xlsx/", views.PlanXlsxView.as_view(), name="plan_xlsx"),
    path("plans/<int:pk>/needs/", views.SuggestionsView.as_view(), name="plan_suggestions"),
    path("plans/<int:pk>/items/new/", views.ItemCreateView.as_view(), name="plan_item_create"),
    path("plans/<int:pk>/do/<str:transition>/", views.PlanTransitionView.as_view(), name="plan_transition"),
    path("plan-items/<int:pk>/edit/", views.ItemEditView.as_view(), name="plan_item_edit"),
    path("plan-items/<int:pk>/sessions/", views.ItemSessionsView.as_view(), name="plan_item_sessions"),
    path("plan-items/<int:pk>/remove/", views.ItemRemoveView.as_view(), name="plan_item_remove"),
]
