"""Token pages for people without an account (``qms_portal.public_links``, ``views/public.py``).

The purpose used here is registered only in the tests (``tests/public_purpose.py``): rate the
service 1–5 with a comment; its handler records each call.
"""

import hashlib
import re
import threading
from datetime import timedelta
from html import unescape

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qms_portal import public_links
from qms_portal.models import PublicLink
from qms_portal.public_links import (
    PublicLinkInvalid,
    public_link_create,
    public_link_resolve,
    public_link_revoke,
    public_link_use,
    register_purpose,
)
from tests import factories
from tests.helpers import need
from tests.public_purpose import NAME, RECEIVED, RatingForm

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")

GENERIC = "This link is not valid or has expired."
USED = "This link is no longer valid: it has already been used."


@pytest.fixture(autouse=True)
def _nothing_received():
    """Row ids repeat from one test to the next: each starts with no recorded answers."""
    RECEIVED.clear()


def text(response):
    return unescape(response.content.decode())


def token_of(url):
    return url.split("?")[0].rstrip("/").rsplit("/", 1)[1]


def new_link(tree, **kwargs):
    """``(link, token, path)`` of a fresh link on ward 1 created by the ward's administrator."""
    kwargs.setdefault("unit", tree.ward1)
    link, url = public_link_create(acting_user=tree.admin, purpose=NAME, **kwargs)
    token = token_of(url)
    return link, token, reverse("public_link", kwargs={"token": token})


def answer(client, path, rating="4", comment="Quick and friendly."):
    return client.post(path, {"rating": rating, "comment": comment})


def received_for(link):
    return [data for pk, data in RECEIVED if pk == link.pk]


# ---- the link and its token ----------------------------------------------------------------------------
def test_only_the_hash_of_the_token_is_stored(tree, settings):
    settings.QMS_SITE_URL = "https://qms.example.gov.vn/"
    link, url = public_link_create(acting_user=tree.admin, purpose=NAME, unit=tree.ward1)
    token = token_of(url)
    assert url == f"https://qms.example.gov.vn/p/{token}/"
    assert len(token) >= 43  # 256 random bits
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = PublicLink.objects.filter(pk=link.pk).values().get()
    assert token not in repr(stored)
    assert all(token not in repr(row) for row in link.history.values())
    assert public_link_resolve(token) == link


def test_a_link_can_open_in_the_language_chosen_when_it_was_made(tree):
    _link, url = public_link_create(acting_user=tree.admin, purpose=NAME, unit=tree.ward1, language="vi")
    assert url.endswith("/?lang=vi")
    with pytest.raises(ValidationError):
        public_link_create(acting_user=tree.admin, purpose=NAME, unit=tree.ward1, language="fr")


def test_making_a_link_needs_the_purposes_permission_on_the_unit_and_the_target(tree):
    ward_admin = factories.make_user(f"{tree.prefix}w1admin", tree.ward1)
    factories.assign(ward_admin, "administrator", tree.ward1)
    with pytest.raises(PermissionDenied):
        public_link_create(acting_user=tree.ward1_staff, purpose=NAME, unit=tree.ward1)
    with pytest.raises(PermissionDenied):
        public_link_create(acting_user=ward_admin, purpose=NAME, unit=tree.agency)
    with pytest.raises(PermissionDenied):  # a record out of reach, filed under the ward
        public_link_create(acting_user=ward_admin, purpose=NAME, unit=tree.ward1, target=tree.outsider)
    link, _url = public_link_create(acting_user=ward_admin, purpose=NAME, unit=tree.ward1, target=tree.ward1_staff)
    assert link.target == tree.ward1_staff and link.created_by == ward_admin
    assert link.history.get().history_user == ward_admin


def test_an_unknown_purpose_or_a_purpose_registered_twice_is_a_programming_error(tree):
    with pytest.raises(ImproperlyConfigured):
        public_link_create(acting_user=tree.admin, purpose="no_such_purpose", unit=tree.ward1)
    with pytest.raises(ImproperlyConfigured):
        register_purpose(NAME, title="Again", form_class=RatingForm, handle=lambda link, data: None)


# ---- the page -----------------------------------------------------------------------------------------
def test_the_page_shows_the_form_and_a_get_consumes_nothing(tree):
    link, _token, path = new_link(tree)
    for _ in range(3):
        response = Client().get(path)
        assert response.status_code == 200
    page = text(response)
    assert "Rate our service" in page and 'name="rating"' in page and 'name="comment"' in page
    assert tree.ward1.name in page  # the visitor sees which office asks
    assert "no-store" in response["Cache-Control"] and response["X-Robots-Tag"] == "noindex"
    link.refresh_from_db()
    assert link.uses == 0 and link.used_at is None


def test_an_answer_is_handled_and_consumes_the_single_use(tree):
    link, _token, path = new_link(tree)
    response = answer(Client(), path, rating="5", comment="  Very helpful.  ")
    assert response.status_code == 200
    assert "Thank you. Your rating was received." in text(response)
    assert received_for(link) == [{"rating": 5, "comment": "Very helpful."}]
    link.refresh_from_db()
    assert link.uses == 1 and link.used_at is not None
    used = link.history.order_by("-history_id").first()
    assert used.history_change_reason == "used" and used.history_user is None


def test_a_single_use_link_answers_the_second_submission_that_it_is_no_longer_valid(tree):
    link, _token, path = new_link(tree)
    assert answer(Client(), path).status_code == 200
    again = answer(Client(), path, rating="1")
    assert again.status_code == 410 and USED in text(again)
    assert Client().get(path).status_code == 410
    assert len(received_for(link)) == 1
    link.refresh_from_db()
    assert link.uses == 1


def test_a_link_for_several_uses_takes_that_many_answers(tree):
    link, _token, path = new_link(tree, max_uses=2)
    assert answer(Client(), path).status_code == 200
    assert answer(Client(), path).status_code == 200
    assert answer(Client(), path).status_code == 410
    assert len(received_for(link)) == 2


def test_an_invalid_answer_shows_the_errors_and_consumes_nothing(tree):
    link, _token, path = new_link(tree)
    response = answer(Client(), path, rating="9")
    assert response.status_code == 200
    assert re.search(r'id="id_rating-err">[^<]*valid choice', text(response))
    link.refresh_from_db()
    assert link.uses == 0 and not received_for(link)


def test_an_answer_the_handler_refuses_consumes_nothing(tree):
    link, _token, path = new_link(tree)
    response = answer(Client(), path, comment="refuse")
    assert response.status_code == 200 and "This answer is refused." in text(response)
    link.refresh_from_db()
    assert link.uses == 0
    assert answer(Client(), path).status_code == 200  # the link still works


def test_an_expired_link_says_so(tree, monkeypatch):
    link, token, path = new_link(tree, expires_in=timedelta(days=1))
    later = timezone.now() + timedelta(days=1, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = Client().get(path)
    assert response.status_code == 410
    assert "This link is no longer valid: it has expired." in text(response)
    assert answer(Client(), path).status_code == 410
    with pytest.raises(PublicLinkInvalid) as refusal:
        public_link_resolve(token)
    assert refusal.value.reason == "expired"
    assert not received_for(link)


def test_a_revoked_link_says_so_and_revoking_needs_the_permission(tree):
    link, _token, path = new_link(tree)
    with pytest.raises(PermissionDenied):
        public_link_revoke(acting_user=tree.ward1_staff, link=link)
    public_link_revoke(acting_user=tree.admin, link=link)
    link.refresh_from_db()
    assert link.revoked_at is not None and link.revoked_by == tree.admin
    assert link.history.order_by("-history_id").first().history_user == tree.admin
    response = Client().get(path)
    assert response.status_code == 410 and "This link is no longer valid: it was withdrawn." in text(response)
    assert answer(Client(), path).status_code == 410
    assert not received_for(link)


def test_an_unknown_token_is_404_with_the_generic_message(tree):
    response = Client().get(reverse("public_link", kwargs={"token": "x" * 43}))
    assert response.status_code == 404 and GENERIC in text(response)
    assert "no longer valid" not in text(response)
    assert 'class="navbar' not in text(response)


def test_a_link_whose_purpose_is_gone_is_answered_like_an_unknown_token(tree, monkeypatch):
    link, _token, path = new_link(tree)
    monkeypatch.delitem(public_links.PURPOSES, NAME)
    response = Client().get(path)
    assert response.status_code == 404 and GENERIC in text(response)
    with pytest.raises(PublicLinkInvalid):
        public_link_use(link=link, cleaned_data={"rating": 1, "comment": ""})


# ---- rate limit -------------------------------------------------------------------------------------
def test_one_token_is_limited_per_minute(tree, settings):
    settings.QMS_PUBLIC_LINK_RATE_PER_LINK = 3
    _link, _token, path = new_link(tree)
    for number in range(3):
        assert Client().get(path, REMOTE_ADDR=f"10.0.0.{number}").status_code == 200
    limited = Client().get(path, REMOTE_ADDR="10.0.0.9")
    assert limited.status_code == 429 and limited["Retry-After"] == "60"
    assert "Too many requests" in text(limited) and 'class="navbar' not in text(limited)
    assert answer(Client(), path).status_code == 429  # an answer is refused too, not consumed


def test_one_address_is_limited_per_minute_and_guesses_count(tree, settings):
    settings.QMS_PUBLIC_LINK_RATE_PER_IP = 3
    _link, _token, path = new_link(tree)
    for guess in range(3):
        assert Client().get(reverse("public_link", kwargs={"token": f"guess{guess}"})).status_code == 404
    assert Client().get(path).status_code == 429
    assert Client().get(path, REMOTE_ADDR="192.0.2.7").status_code == 200  # someone else


def test_behind_a_proxy_the_limit_counts_the_forwarded_address(tree, settings):
    settings.QMS_PUBLIC_LINK_RATE_PER_IP = 2
    settings.AXES_IPWARE_PROXY_COUNT = 1
    _link, _token, path = new_link(tree)
    client = Client(REMOTE_ADDR="10.9.9.9")  # the reverse proxy
    for _ in range(2):
        assert client.get(path, HTTP_X_FORWARDED_FOR="spoofed, 198.51.100.1").status_code == 200
    assert client.get(path, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429
    assert client.get(path, HTTP_X_FORWARDED_FOR="198.51.100.1, 198.51.100.2").status_code == 200


def test_without_a_working_cache_the_page_is_still_served(tree, monkeypatch):
    _link, _token, path = new_link(tree)

    def broken(key):
        raise ConnectionError("cache down")

    monkeypatch.setattr(public_links, "_count", broken)
    assert Client().get(path).status_code == 200


# ---- what a token page is not ---------------------------------------------------------------------
def test_no_session_is_made_for_the_visitor(tree, settings):
    _link, _token, path = new_link(tree)
    client = Client(enforce_csrf_checks=True)
    shown = client.get(path)
    assert settings.SESSION_COOKIE_NAME not in shown.cookies and "csrftoken" in shown.cookies
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text(shown)).group(1)
    sent = client.post(path, {"rating": "3", "comment": "", "csrfmiddlewaretoken": csrf})
    assert sent.status_code == 200 and "Thank you" in text(sent)
    assert settings.SESSION_COOKIE_NAME not in sent.cookies and settings.SESSION_COOKIE_NAME not in client.cookies
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302  # and nothing else of the portal opens


def test_a_post_without_the_csrf_cookie_gets_a_public_page(tree):
    _link, _token, path = new_link(tree)
    response = Client(enforce_csrf_checks=True).post(path, {"rating": "3"})
    assert response.status_code == 403
    page = text(response)
    assert "Session expired" in page and 'class="navbar' not in page and "Back to My work" not in page


def links_in(page):
    return re.findall(r'(?:href|action|src)="([^"]*)"', page)


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "official"])
def test_the_pages_have_no_link_into_the_portal(tree, signed_in):
    _link, _token, path = new_link(tree, max_uses=1)
    client = Client()
    if signed_in:  # an official opening a link: still the public page, no menu, no name
        client.force_login(tree.admin)
    pages = {
        "form": client.get(path),
        "errors": answer(client, path, rating="0"),
        "done": answer(client, path),
        "used": client.get(path),
        "unknown": client.get(reverse("public_link", kwargs={"token": "nope"})),
    }
    for name, response in pages.items():
        page = text(response)
        assert 'class="navbar' not in page and tree.admin.full_name not in page, name
        for target in links_in(page):
            assert target.startswith(("/static/", "#")) or target in ("", reverse("switch_language")), (name, target)
        for portal in ("/documents/", "/admin/", "/inbox/", "/accounts/", 'href="/"'):
            assert portal not in page, (name, portal)
    assert f'name="next" value="{path}"' in text(pages["form"])  # the switcher comes back here


def test_the_page_opens_in_the_language_of_the_link_and_the_switcher_can_change_it(tree):
    _link, _token, path = new_link(tree)
    client = Client()
    vietnamese = client.get(f"{path}?lang=vi")
    assert '<html lang="vi">' in text(vietnamese) and vietnamese["Content-Language"] == "vi"
    assert f'name="next" value="{path}"' in text(vietnamese)  # without ?lang=, so the choice sticks
    assert '<option value="zh-hant" lang="zh-hant">' in text(vietnamese)  # the four languages offered
    switched = client.post(reverse("switch_language"), {"language": "zh-hans", "next": path})
    assert switched.status_code == 302 and switched["Location"] == path
    assert '<html lang="zh-hans">' in text(client.get(path))
    assert '<html lang="en">' in text(Client().get(f"{path}?lang=xx"))  # an unknown code is ignored
    assert '<html lang="zh-hant">' in text(Client().get(f"{path}?lang=zh-Hant"))


# ---- two submissions at once ------------------------------------------------------------------------------
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_once_use_a_single_use_link_once():
    need(connection.vendor == "postgresql", "needs PostgreSQL row locks (select_for_update)",
         "QMS_REQUIRE_POSTGRES")
    tree = factories.small_tree()
    link, _token, path = new_link(tree)
    barrier = threading.Barrier(2, timeout=20)
    outcomes = {}

    def submit(label, rating):
        try:
            own = PublicLink.objects.get(pk=link.pk)  # each thread its own object, as two requests
            barrier.wait()
            public_link_use(link=own, cleaned_data={"rating": rating, "comment": label})
            outcomes[label] = "ok"
        except PublicLinkInvalid as refusal:
            outcomes[label] = refusal.reason
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            outcomes[label] = repr(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(label, rating)) for label, rating in (("a", 1), ("b", 5))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes.values()) == ["ok", "used"], outcomes
    link.refresh_from_db()
    assert link.uses == 1
    assert len(received_for(link)) == 1


# ---- standing links (a desk's QR code, for every visitor until revoked) --------------------------------
def test_a_standing_link_takes_any_number_of_answers_and_never_expires(tree, monkeypatch):
    link, _token, path = new_link(tree, standing=True, max_uses=1, expires_in=timedelta(days=1))
    assert link.max_uses is None and link.expires_at is None
    for _ in range(3):
        assert answer(Client(), path).status_code == 200
    later = timezone.now() + timedelta(days=3650)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert answer(Client(), path).status_code == 200
    link.refresh_from_db()
    assert link.uses == 4 and len(received_for(link)) == 4


def test_the_address_of_a_standing_link_can_be_shown_again_to_who_may_create_it(tree, settings):
    link, url = public_link_create(acting_user=tree.admin, purpose=NAME, unit=tree.ward1, standing=True,
                                   language="vi")
    again = public_links.public_link_standing_url(acting_user=tree.admin, link=PublicLink.objects.get(pk=link.pk),
                                                  language="vi")
    assert again == url
    token = token_of(url)
    assert len(token) >= 43 and public_link_resolve(token) == link
    stored = PublicLink.objects.filter(pk=link.pk).values().get()
    assert token not in repr(stored)  # only the hash: the database alone gives no usable address
    with pytest.raises(PermissionDenied):
        public_links.public_link_standing_url(acting_user=tree.ward1_staff, link=link)
    # after a key rotation the old key, kept as a fallback, still gives the same address back
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert public_links.public_link_standing_url(acting_user=tree.admin, link=link, language="vi") == url
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(ValidationError):
        public_links.public_link_standing_url(acting_user=tree.admin, link=link)


def test_an_ordinary_or_revoked_link_cannot_be_shown_again(tree):
    ordinary, _token, _path = new_link(tree, max_uses=1000)
    with pytest.raises(ValidationError):
        public_links.public_link_standing_url(acting_user=tree.admin, link=ordinary)
    standing, _token, path = new_link(tree, standing=True)
    public_link_revoke(acting_user=tree.admin, link=standing)
    standing.refresh_from_db()
    with pytest.raises(ValidationError):
        public_links.public_link_standing_url(acting_user=tree.admin, link=standing)
    response = Client().get(path)
    assert response.status_code == 410 and "it was withdrawn" in text(response)
