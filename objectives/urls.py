"""URLs of the objectives area: each part keeps its own list (``objectives/views/urls_<part>.py``)."""

from qms_portal.areas import import_parts

from .apps import PARTS

app_name = "objectives"
urlpatterns = [pattern for module in import_parts("objectives.views.urls_{}", PARTS) for pattern in module.urlpatterns]
