"""What the log says when someone opens a page they may not use."""

import logging

from django.urls import reverse


def test_a_refused_page_is_one_line_in_the_log_without_a_traceback(tree, client_for, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client_for(tree.ward1_staff).get(reverse("user_list"))
    assert response.status_code == 403
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.status_code == 403 and "Forbidden" in record.getMessage()
    assert record.exc_info is None and "Traceback" not in caplog.text


def test_a_server_error_keeps_its_traceback():
    from qms_portal.logfilters import QuietClientErrors

    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error", (),
                                   sys.exc_info())
    record.status_code = 500
    assert QuietClientErrors().filter(record) and record.exc_info is not None
