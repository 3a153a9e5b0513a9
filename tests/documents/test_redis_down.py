"""When Redis is down, every page still answers (slower, built without the cache), a warning is
logged, queued work waits in the outbox, and the cache is used again when Redis is back. Against
a real ``redis-server`` of the test's own, stopped in the middle of the test."""

import logging
import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qms_portal import services as core
from qms_portal.models import AccessRequest
from tests.documents.factories import effective_document, step
from tests.factories import PASSWORD
from tests.helpers import free_port

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

REGISTER = reverse("documents:register")


def use_cache(settings, url):
    settings.CACHES = {"default": {"BACKEND": "qms_portal.cache.PortalRedisCache", "LOCATION": url,
                                   "OPTIONS": {"RETRY_AFTER": 0.5}}}


def every_page(ds, client_for, document):
    """The register, a document's page, My work, the inbox, an access request decided and a
    sign-in: each answers, and how many queries each page made."""
    reader = client_for(ds.author)
    answers, queries = {}, {}
    for name, url in (("register", REGISTER), ("document", document.get_absolute_url()), ("my work", "/"),
                      ("inbox", reverse("inbox"))):
        with CaptureQueriesContext(connection) as captured:
            started = time.monotonic()
            answers[name] = reader.get(url).status_code
            assert time.monotonic() - started < 5, name  # never waiting on the dead server for long
        queries[name] = len(captured)
    request = core.access_request_create(acting_user=ds.nobody, role=ds.roles["staff"], unit=ds.dept,
                                         include_subunits=False, justification="Tổ ISO của sở")
    decided = client_for(ds.mr).post(reverse("accessrequest_transition", args=[request.pk, "approve"]),
                                     {"reason": "Đồng ý", "password": PASSWORD})
    answers["access request"] = decided.status_code
    assert AccessRequest.objects.get(pk=request.pk).status == AccessRequest.Status.APPROVED
    signing_in = Client()  # sessions and sign-in lockouts (django-axes) live in the database
    answers["sign in"] = signing_in.post(reverse("login"), {"username": ds.staff.username,
                                                            "password": PASSWORD}).status_code
    answers["after sign in"] = signing_in.get(REGISTER).status_code
    return answers, queries


EVERY_PAGE_ANSWERS = {"register": 200, "document": 200, "my work": 200, "inbox": 200, "access request": 302,
                      "sign in": 302, "after sign in": 200}


def cache_warnings(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "qms_portal.cache" and r.levelno == logging.WARNING]


@pytest.mark.redis
def test_pages_answer_while_redis_is_down_and_use_it_again_when_it_is_back(ds, client_for, redis_server, settings,
                                                                          caplog):
    caplog.set_level(logging.WARNING)
    use_cache(settings, redis_server.url(1))
    document = effective_document(ds, steps=[step("Tiếp nhận hồ sơ", 3, responsible_unit=ds.office)])
    every_page(ds, client_for, document)
    answers, warm = every_page(ds, client_for, document)
    assert answers == EVERY_PAGE_ANSWERS
    assert redis_server.client(1).dbsize() > 0
    assert cache_warnings(caplog) == []

    redis_server.stop()
    answers, down = every_page(ds, client_for, document)
    assert answers == EVERY_PAGE_ANSWERS
    assert down["register"] > warm["register"] and down["document"] > warm["document"]  # built each time
    warnings = cache_warnings(caplog)
    assert len(warnings) == 1 and "unavailable" in warnings[0], warnings  # one warning, not one per call

    redis_server.start()
    time.sleep(0.6)
    every_page(ds, client_for, document)
    answers, back = every_page(ds, client_for, document)
    assert answers == EVERY_PAGE_ANSWERS
    assert back["register"] == warm["register"] and back["document"] == warm["document"]  # from the cache again
    assert redis_server.client(1).dbsize() > 0
    assert "available again" in cache_warnings(caplog)[-1]


def test_pages_answer_when_nothing_listens_where_the_cache_should_be(ds, client_for, settings, caplog):
    caplog.set_level(logging.WARNING)
    use_cache(settings, f"redis://127.0.0.1:{free_port()}/1")
    document = effective_document(ds)
    answers, _queries = every_page(ds, client_for, document)
    assert answers == EVERY_PAGE_ANSWERS
    assert len(cache_warnings(caplog)) == 1
