"""The project's URLs for the records part's tests, with a stand-in for the sessions part's session
page (``training:session_detail``) when that part is not in this branch: the models' links point
there. Once the parts are merged the real page is used and nothing is added."""

from django.http import HttpResponse
from django.urls import include, path

import qms_portal.urls as project
from training import urls as training_urls


def _session_page(request, pk):
    return HttpResponse(f"session {pk}")


_names = {p.name for p in training_urls.urlpatterns}
_patterns = list(training_urls.urlpatterns)
if "session_detail" not in _names:
    _patterns.append(path("sessions/<int:pk>/", _session_page, name="session_detail"))

urlpatterns = [p for p in project.urlpatterns
               if getattr(p, "namespace", None) != "training"]
urlpatterns.append(path("training/", include((_patterns, "training"), namespace="training")))
