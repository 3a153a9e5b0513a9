"""``choice_label`` shows what ``get_<field>_display`` shows, in the reader's language."""

import pytest
from django.template import Context, Template
from django.utils import translation

from qms_portal.models import AccessRequest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["en", "vi", "zh-hans", "zh-hant"])
@pytest.mark.parametrize("status", list(AccessRequest.Status.values) + ["unknown"])
def test_it_shows_what_the_display_method_shows(language, status):
    row = AccessRequest(status=status)
    with translation.override(language):
        shown = Template('{{ row|choice_label:"status" }}').render(Context({"row": row}))
        assert shown == str(row.get_status_display())
