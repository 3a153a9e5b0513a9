"""URLs of the kpi part (namespace ``objectives``): quality objectives and their cascade,
indicators, their values and roll-up, the import of values, and the on-time rate."""

from django.urls import path

from . import kpi, kpi_measurements, kpi_ontime

urlpatterns = [
    path("", kpi.ObjectiveListView.as_view(), name="objective_list"),
    path("cascade/", kpi.ObjectiveTreeView.as_view(), name="objective_tree"),
    path("new/", kpi.ObjectiveCreateView.as_view(), name="objective_create"),
    path("<int:pk>/", kpi.ObjectiveDetailView.as_view(), name="objective_detail"),
    path("<int:pk>/edit/", kpi.ObjectiveEditView.as_view(), name="objective_edit"),
    path("<int:pk>/history/", kpi.ObjectiveHistoryView.as_view(), name="objective_history"),
    path("indicators/", kpi.IndicatorListView.as_view(), name="indicator_list"),
    path("indicators/new/", kpi.IndicatorCreateView.as_view(), name="indicator_create"),
    path("indicators/<int:pk>/", kpi.IndicatorDetailView.as_view(), name="indicator_detail"),
    path("indicators/<int:pk>/edit/", kpi.IndicatorEditView.as_view(), name="indicator_edit"),
    path("indicators/<int:pk>/history/", kpi.IndicatorHistoryView.as_view(), name="indicator_history"),
    path("indicators/<int:pk>/trend.pdf", kpi.IndicatorPdfView.as_view(), name="indicator_pdf"),
    path("indicators/<int:pk>/rollup/", kpi.IndicatorRollupView.as_view(), name="indicator_rollup"),
    path("indicators/<int:pk>/enter/", kpi_measurements.MeasurementEnterView.as_view(), name="measurement_enter"),
    path("values/", kpi_measurements.PeriodEntryView.as_view(), name="period_entry"),
    path("values/import/", kpi_measurements.MeasurementImportView.as_view(), name="measurement_import"),
    path("values/<int:pk>/", kpi_measurements.MeasurementDetailView.as_view(), name="measurement_detail"),
    path("values/<int:pk>/correct/", kpi_measurements.MeasurementCorrectView.as_view(), name="measurement_correct"),
    path("values/<int:pk>/history/", kpi_measurements.MeasurementHistoryView.as_view(), name="measurement_history"),
    path("values/<int:pk>/nonconformity/", kpi_measurements.MeasurementNonconformityView.as_view(),
         name="measurement_nonconformity"),
    path("on-time/", kpi_ontime.OnTimeHomeView.as_view(), name="on_time_home"),
    path("on-time/<int:pk>/", kpi_ontime.OnTimeView.as_view(), name="on_time"),
    path("on-time/files/", kpi_ontime.TimelinessListView.as_view(), name="timeliness_list"),
    path("on-time/files/<int:pk>/", kpi_ontime.TimelinessDetailView.as_view(), name="timeliness_detail"),
    path("on-time/files/<int:pk>/history/", kpi_ontime.TimelinessHistoryView.as_view(), name="timeliness_history"),
    path("on-time/<int:pk>/enter/", kpi_ontime.TimelinessEnterView.as_view(), name="timeliness_enter"),
]
