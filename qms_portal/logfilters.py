"""Logging filters (settings.LOGGING)."""

import logging


class QuietClientErrors(logging.Filter):
    """``django.request`` logs a refused page (PermissionDenied → 403) as a WARNING with the whole
    traceback: the console of ``make run`` filled with them whenever someone opened a link they may
    not use. Keep the one line (who asked what is still logged), drop the traceback of 4xx answers.
    Server errors (5xx) keep theirs."""

    def filter(self, record):
        status = getattr(record, "status_code", None)
        if status is not None and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True
