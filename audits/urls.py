"""URLs of the audits area: each part keeps its own list (``audits/views/urls_<part>.py``)."""

from importlib import import_module

app_name = "audits"
urlpatterns = []
for _part in ("plan", "checklist", "findings", "certificates"):
    try:
        urlpatterns += import_module(f"audits.views.urls_{_part}").urlpatterns
    except ModuleNotFoundError as _error:
        if _error.name != f"audits.views.urls_{_part}":
            raise
