"""The checklist opens without a connection: its service worker's script (served under ``/audits/``
so that its scope covers the checklist pages) and the one header that lets the worker keep a page —
on the on-site checklist only, never on another page."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from audits.services import checklist as services
from tests.audits.factories_checklist import _media_in_tmp, checklist_world, clauses  # noqa: F401
from tests.viewtests import logged_in

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

WORKER = "audits:checklist_service_worker"


@pytest.fixture
def w():
    w = checklist_world()
    w.items = services.checklist_build(acting_user=w.lead, audit=w.audit, clauses=clauses("7.5", "9.2"))
    return w


def test_the_worker_is_our_own_script_whose_scope_covers_every_checklist_page(w):
    response = logged_in(w.member).get(reverse(WORKER))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"  # a new version is picked up at once
    script = response.content.decode()
    assert f'const STATIC = "{settings.STATIC_URL}";' in script
    assert "importScripts" not in script and "://" not in script  # nothing from elsewhere
    folder = reverse(WORKER).rsplit("/", 1)[0] + "/"  # a worker's scope: the folder of its script
    assert reverse("audits:checklist", args=[w.audit.pk]).startswith(folder)


def test_the_worker_keeps_only_gets_and_only_pages_marked_for_it(w):
    script = logged_in(w.member).get(reverse(WORKER)).content.decode()
    assert 'if (request.method !== "GET")' in script
    assert 'response.headers.get(MARK) === "checklist"' in script
    assert "caches.delete(PAGES)" in script  # a kept page that now sends to sign in: the session ended


def test_the_checklist_page_may_be_kept_offline_and_names_its_worker(w):
    response = logged_in(w.member).get(reverse("audits:checklist", args=[w.audit.pk]))
    assert response["X-Offline-Copy"] == "checklist"
    assert f'data-service-worker="{reverse(WORKER)}"' in response.content.decode()


def test_other_pages_of_the_checklist_are_never_kept(w):
    client = logged_in(w.lead)
    arrange = client.get(reverse("audits:checklist", args=[w.audit.pk]), {"arrange": "1"})
    assert arrange.status_code == 200 and "X-Offline-Copy" not in arrange
    assert "data-service-worker" not in arrange.content.decode()
    history = client.get(reverse("audits:checklist_item_history", args=[w.audit.pk, w.items[0].pk]))
    assert history.status_code == 200 and "X-Offline-Copy" not in history
    answer = client.post(reverse("audits:checklist_answer", args=[w.audit.pk, w.items[0].pk]),
                         {"answer": "conforms", "notes": "", "key": "6f1c1b0e-4c1a-4b7e-9a53-1d2f3a4b5c6d",
                          "base_version": "0"}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200 and "X-Offline-Copy" not in answer


def test_an_anonymous_visitor_is_sent_to_sign_in_and_the_sign_in_page_drops_the_copies():
    response = Client().get(reverse(WORKER))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    login = Client().get(reverse("login")).content.decode()
    assert "data-drop-offline-copies" in login
