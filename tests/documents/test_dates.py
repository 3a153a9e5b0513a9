"""The documents pages show dates in the reader's language (qms_portal/formats/) and their date
pickers show and take ISO in every language."""

from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse

from tests.documents.factories import legal

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

SHOWN = {"en": "4 Dec 2026", "vi": "04/12/2026", "zh-hans": "2026年12月4日", "zh-hant": "2026年12月4日"}


def _in(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.mark.parametrize("language", list(SHOWN))
def test_a_legal_document_shows_its_dates_in_the_readers_language(ds, client_for, language):
    law = legal(issue_date=date(2026, 12, 4), effective_date=date(2027, 1, 15))
    page = _in(client_for(ds.reviewer1), language).get(law.get_absolute_url()).content.decode()
    assert SHOWN[language] in page
    assert "12/04/2026" not in page and "2026-12-04" not in page


@pytest.mark.parametrize("language", list(SHOWN))
def test_the_date_pickers_show_and_take_iso_in_every_language(ds, client_for, language):
    law = legal(number=f"7/2026/NĐ-CP-{language}", issue_date=date(2026, 12, 4))
    client = _in(client_for(ds.author), language)
    url = reverse("documents:legal_edit", args=[law.pk])
    form = client.get(url).content.decode()
    assert 'type="date" name="issue_date" value="2026-12-04"' in form
    response = client.post(url, {"number": law.number, "title": law.title, "issuer": law.issuer,
                                  "issue_date": "2027-01-15", "status": "in_force"})
    assert response.status_code == 302, response.context["form"].errors
    law.refresh_from_db()
    assert law.issue_date == date(2027, 1, 15)
