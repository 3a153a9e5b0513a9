"""Every page needs a login, except an explicit list of public ones.

Django's ``LoginRequiredMiddleware`` sends an anonymous visitor to the sign-in page unless the view
is marked ``@login_not_required``. These tests walk every URL of the project (as the access matrix
does), so a new page is protected by default and a new public page must be added to ``PUBLIC`` on
purpose.
"""

import json

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.converters import IntConverter

from qms_portal import services
from tests import factories
from tests.qms_portal.test_access_matrix import MATRIX

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

# The only pages an anonymous visitor may open. Adding one is a security decision: say why.
PUBLIC = {
    "login": "the sign-in page",
    "password_reset": "asking for a password-reset e-mail",
    "password_reset_done": "'the e-mail was sent'",
    "password_reset_confirm": "the link in that e-mail (Django checks its token)",
    "password_reset_complete": "'your password was set, sign in'",
    "healthz": "the load balancer's health check",
    "switch_language": "the language switch on the sign-in page and on token pages",
    "public_link": "a token page for a person without an account (qms_portal.public_links)",
}


def patterns(entries=None, namespace=""):
    """``(name, URLPattern)`` for every URL of the project."""
    for entry in get_resolver().url_patterns if entries is None else entries:
        if isinstance(entry, URLResolver):
            yield from patterns(entry.url_patterns, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}", entry


def some_url(name, pattern):
    """The URL with made-up arguments: a number for ``<int:…>``, a word for anything else."""
    converters = getattr(pattern.pattern, "converters", {})
    kwargs = {kw: 1 if isinstance(converters.get(kw), IntConverter) else "x"
              for kw in set(converters) | set(pattern.pattern.regex.groupindex)}
    return reverse(name, kwargs=kwargs)


def every_url():
    return [(name, some_url(name, pattern)) for name, pattern in patterns()]


def sent_to_sign_in(response, url):
    return response.status_code == 302 and response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("method", ["get", "post"])
def test_every_url_except_the_public_ones_sends_an_anonymous_visitor_to_sign_in(method):
    checked = 0
    for name, url in every_url():
        if name in PUBLIC:
            continue
        response = getattr(Client(), method)(url)
        assert sent_to_sign_in(response, url), f"{method.upper()} {url} ({name}) answered {response.status_code}"
        checked += 1
    assert checked > 60  # the walk really saw the portal's pages


def test_the_public_list_is_exactly_the_views_marked_login_not_required():
    marked = {name for name, url in every_url() if not getattr(resolve(url).func, "login_required", True)}
    assert marked == set(PUBLIC)


def test_the_access_matrix_calls_public_exactly_the_public_list():
    public_rows = {name for name, row in MATRIX.items() if row.access in ("public", "anonymous_only")}
    assert public_rows == set(PUBLIC)


def test_the_public_pages_open_without_signing_in():
    anonymous = Client()
    for name in ("login", "password_reset", "password_reset_done", "password_reset_complete", "healthz"):
        assert anonymous.get(reverse(name)).status_code == 200, name
    invalid = reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "bad"})
    assert anonymous.get(invalid).status_code == 200  # "this link is invalid", not the sign-in page
    switched = anonymous.post(reverse("switch_language"), {"language": "vi", "next": reverse("login")})
    assert switched.status_code == 302 and switched["Location"] == reverse("login")
    assert switched.cookies["django_language"].value == "vi"


def test_a_token_in_a_cookie_or_the_query_string_opens_nothing_else(tree):
    from qms_portal.public_links import public_link_create

    _link, url = public_link_create(acting_user=tree.superuser, purpose="test_rating", unit=tree.ward1)
    token = url.rstrip("/").rsplit("/", 1)[1]
    client = Client()
    client.cookies["token"] = token
    for page in (reverse("home"), reverse("inbox"), reverse("unit_list"), reverse("documents:register")):
        with_token = f"{page}?token={token}"
        assert sent_to_sign_in(client.get(with_token), with_token.replace("?", "%3F").replace("=", "%3D"))
        assert sent_to_sign_in(client.get(page), page)


def test_someone_who_must_change_their_password_may_still_open_the_public_pages(tree):
    person = factories.make_user("must.change", tree.ward1)
    services.user_set_password(acting_user=tree.superuser, user=person, password="Temporary-pass-77", temporary=True)
    person.refresh_from_db()
    assert person.must_change_password
    client = Client()
    client.force_login(person)
    assert client.get(reverse("home"))["Location"] == reverse("password_change")
    assert client.get(reverse("documents:register"))["Location"] == reverse("password_change")
    assert client.get(reverse("password_change")).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200
    assert client.post(reverse("switch_language"), {"language": "vi", "next": "/"}).status_code == 302
    assert client.post(reverse("logout")).status_code == 302


def test_an_unknown_address_is_404_for_everyone():
    """Django's middleware checks views, so an address that names no view is 404 before any login
    (the portal's URLs are no secret); every real page still asks for a login."""
    assert Client().get("/no-such-page/").status_code == 404


# ---- static files: WhiteNoise answers them before any login check -------------------------------------
def test_static_files_load_without_signing_in_in_development():
    with override_settings(DEBUG=True):  # WhiteNoise serves from the finders, as in `make run`
        response = Client().get("/static/css/portal.css")
        assert response.status_code == 200
        assert b"--qms-touch" in b"".join(response.streaming_content)


def test_static_files_load_without_signing_in_from_the_collected_manifest(tmp_path):
    """As in production, from STATIC_ROOT under hashed names (production's storage also writes
    compressed copies, which take 15 s here and change nothing about who may fetch the files)."""
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
        hashed = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]["css/portal.css"]
        assert hashed != "css/portal.css"
        response = Client().get(f"/static/{hashed}")  # a new client: WhiteNoise reads the new root
        assert response.status_code == 200
        assert b"--qms-touch" in b"".join(response.streaming_content)
