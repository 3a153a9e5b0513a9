"""A field's help text and its error are read with it by a screen reader: Django's widgets point
``aria-describedby`` at ``<id>_helptext`` and ``<id>_error``, and the portal's form templates give
those ids to the texts. Every id a page refers to (``aria-describedby``, ``aria-labelledby``,
``aria-controls``, ``<label for>``) is on the page."""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.documents.factories import doc_setup
from tests.qms_portal.test_views import every_page

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

REFERRING = ("aria-describedby", "aria-labelledby", "aria-controls", "for")


class References(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.wanted = set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        for name in REFERRING:
            if attrs.get(name) and not (name == "for" and tag != "label"):
                self.wanted += [(tag, name, ref) for ref in attrs[name].split()]


def missing_references(response):
    """What the page refers to but does not hold: [(tag, attribute, id), …]."""
    assert response.status_code == 200, response.status_code
    page = References()
    page.feed(response.content.decode())
    return [w for w in page.wanted if w[2] not in page.ids]


def test_every_core_page_holds_the_ids_it_refers_to(superuser):
    tree = factories.small_tree()
    signed_in, anonymous = Client(), Client()
    signed_in.force_login(superuser)
    seen = 0
    for name, url, public in every_page(tree, superuser):
        for client in (signed_in, anonymous) if public else (signed_in,):
            response = client.get(url)
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                assert missing_references(response) == [], name
                seen += 1
    assert seen >= 35


def test_a_field_with_help_text_and_an_error_is_described_by_both(superuser, client_for):
    tree = factories.small_tree()
    client = client_for(tree.ward1_staff)
    response = client.post(reverse("password_change"), {"old_password": "wrong", "new_password1": "x",
                                                        "new_password2": "y"})
    html = response.content.decode()
    described = re.search(r'<input[^>]*name="new_password1"[^>]*>', html).group(0)
    assert 'aria-describedby="id_new_password1_helptext"' in described
    assert re.search(r'<input[^>]*name="old_password"[^>]*aria-describedby="id_old_password_error"', html)
    assert 'id="id_new_password1_helptext"' in html and 'id="id_old_password_error"' in html
    assert missing_references(response) == []


def test_the_document_form_and_the_draft_form_hold_the_ids_they_refer_to(client_for):
    s = doc_setup()
    client = client_for(s.author)
    assert missing_references(client.get(reverse("documents:document_create"))) == []
    response = client.post(reverse("documents:document_create"), {"title": ""})  # errors on every field
    assert 'aria-invalid="true"' in response.content.decode()
    assert missing_references(response) == []
