"""URLs of the checklist part (namespace ``audits``)."""

from django.urls import path

from . import checklist as views
from . import checklist_templates as templates

urlpatterns = [
    path("<int:pk>/checklist/", views.ChecklistView.as_view(), name="checklist"),
    path("checklist-sw.js", views.ChecklistServiceWorkerView.as_view(), name="checklist_service_worker"),
    path("<int:pk>/checklist/build/", views.ChecklistBuildView.as_view(), name="checklist_build"),
    path("<int:pk>/checklist/add/", views.ChecklistItemAddView.as_view(), name="checklist_item_add"),
    path("<int:pk>/checklist/from-template/", views.FromTemplateView.as_view(), name="checklist_from_template"),
    path("<int:pk>/checklist/save-template/", views.SaveAsTemplateView.as_view(), name="checklist_save_template"),
    path("<int:pk>/checklist/<int:item>/", views.ChecklistItemView.as_view(), name="checklist_item"),
    path("<int:pk>/checklist/<int:item>/answer/", views.ChecklistAnswerView.as_view(), name="checklist_answer"),
    path("<int:pk>/checklist/<int:item>/photo/", views.ChecklistPhotoView.as_view(), name="checklist_photo"),
    path("<int:pk>/checklist/<int:item>/edit/", views.ChecklistItemEditView.as_view(), name="checklist_item_edit"),
    path("<int:pk>/checklist/<int:item>/move/", views.ChecklistItemActionView.as_view(operation="move"),
         name="checklist_item_move"),
    path("<int:pk>/checklist/<int:item>/remove/", views.ChecklistItemActionView.as_view(operation="remove"),
         name="checklist_item_remove"),
    path("<int:pk>/checklist/<int:item>/history/", views.ChecklistItemHistoryView.as_view(),
         name="checklist_item_history"),
    path("checklist-templates/", templates.TemplateListView.as_view(), name="template_list"),
    path("checklist-templates/<int:pk>/", templates.TemplateDetailView.as_view(), name="template_detail"),
    path("checklist-templates/<int:pk>/edit/", templates.TemplateEditView.as_view(), name="template_edit"),
    path("checklist-templates/<int:pk>/history/", templates.TemplateHistoryView.as_view(),
         name="checklisttemplate_history"),
]
