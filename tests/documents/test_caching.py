"""What the register and a document's page keep in the cache between requests: filter options (per
scope, forgotten when a unit changes), acknowledgement coverage (forgotten when someone
acknowledges) and an effective revision's text, steps and signatures (rendered again when the
document changes). Each is checked for the answer a reader must get, not only for fewer queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents import services
from tests.documents.factories import effective_document, step
from tests.factories import make_unit

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

REGISTER = reverse("documents:register")


def unit_options(html):
    """The values offered by the register's unit filter."""
    select = re.search(r'<select name="unit".*?</select>', html, re.S).group(0)
    return {value for value in re.findall(r'<option value="([^"]*)"', select) if value}


def get(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_each_reader_gets_the_units_of_their_own_scope_from_the_cache(ds, client_for):
    author_page, cold = get(client_for(ds.author), REGISTER)
    again, warm = get(client_for(ds.author), REGISTER)
    assert unit_options(author_page) == unit_options(again) == {str(ds.dept.pk), str(ds.office.pk)}
    assert warm < cold  # the options came from the cache
    # Someone with a narrower scope, right after: their own units, never the author's cached list.
    staff_page, _ = get(client_for(ds.staff), REGISTER)
    assert unit_options(staff_page) == {str(ds.office.pk)}
    outsider_page, _ = get(client_for(ds.outsider), REGISTER)
    assert unit_options(outsider_page) == {str(ds.other.pk)}


def test_a_chosen_unit_stays_selected_when_the_options_come_from_the_cache(ds, client_for):
    client = client_for(ds.author)
    get(client, REGISTER)
    page, _ = get(client, REGISTER, {"unit": ds.office.pk})
    assert f'<option value="{ds.office.pk}" selected>' in page
    assert f'<option value="{ds.dept.pk}">' in page


def test_a_new_unit_is_offered_at_once(ds, client_for):
    client = client_for(ds.author)
    before, _ = get(client, REGISTER)
    unit = make_unit(ds.dept, f"{ds.prefix}NEW", kind="office", name="Phòng mới")
    after, _ = get(client, REGISTER)
    assert str(unit.pk) not in unit_options(before)
    assert str(unit.pk) in unit_options(after)
    assert "Phòng mới" in after


def test_the_options_follow_the_language(ds, client_for):
    client = client_for(ds.author)
    english, _ = get(client, REGISTER)
    client.cookies["django_language"] = "vi"
    vietnamese, _ = get(client, REGISTER)
    assert "Context of the organization" in english
    assert "Bối cảnh của tổ chức" in vietnamese and "Context of the organization" not in vietnamese


def test_coverage_counts_an_acknowledgement_given_after_the_page_was_cached(
    ds, client_for, django_capture_on_commit_callbacks
):
    document = effective_document(ds)
    client = client_for(ds.author)
    client.get(document.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        services.revision_acknowledge(acting_user=ds.staff, revision=document.current_revision)
    response = client.get(document.get_absolute_url())
    rows = {r["unit__code"]: (r["done"], r["total"]) for r in response.context["coverage"]}
    assert rows[ds.office.code] == (1, 1)


def test_the_revision_text_is_rendered_once_and_again_when_the_document_changes(ds, client_for):
    document = effective_document(ds, legal_time_limit_days=10, steps=[step("Tiếp nhận", 3), step("Giải quyết", 6)])
    client = client_for(ds.reviewer1)
    first, cold = get(client, document.get_absolute_url())
    second, warm = get(client, document.get_absolute_url())
    assert warm < cold  # no steps, no signatures read
    assert "Giải quyết" in second and "legal time limit" not in second
    assert first.count("Giải quyết") == second.count("Giải quyết")
    services.document_update(acting_user=ds.author, document=document, legal_time_limit_days=5)
    third, _ = get(client, document.get_absolute_url())
    assert "The steps take longer than the legal time limit of 5 working days." in third
