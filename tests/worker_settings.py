"""Settings for the Celery worker that tests start as a subprocess: the portal's own settings, with
the worker's default queue taken from QMS_TEST_QUEUE so a test's tasks never reach another worker."""

import os

from qms_portal.settings import *  # noqa: F403

CELERY_TASK_DEFAULT_QUEUE = os.environ.get("QMS_TEST_QUEUE", "celery")
