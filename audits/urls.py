"""URLs of the audits area: each part keeps its own list (``audits/views/urls_<part>.py``)."""

from qms_portal.areas import import_parts

from .apps import PARTS

app_name = "audits"
urlpatterns = [pattern for module in import_parts("audits.views.urls_{}", PARTS) for pattern in module.urlpatterns]
