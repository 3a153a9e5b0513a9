"""URLs of the training area: each part keeps its own list (``training/views/urls_<part>.py``)."""

from qms_portal.areas import import_parts

from .apps import PARTS

app_name = "training"
urlpatterns = [pattern for module in import_parts("training.views.urls_{}", PARTS) for pattern in module.urlpatterns]
