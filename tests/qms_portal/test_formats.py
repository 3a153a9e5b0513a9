"""Dates per language (qms_portal/formats/): English "4 Dec 2026" (never 12/04/2026), Vietnamese
dd/mm/yyyy, Chinese 2026年12月4日; ISO read first everywhere (the browsers' date pickers); the
templates use the named formats only; message titles show their dates the reader's way."""

import re
from datetime import date, datetime
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.utils import formats, timezone, translation

from qms_portal.forms import DatePicker, RosterDateForm
from qms_portal.models import Notification
from qms_portal.notifications import render_title

DAY = date(2026, 12, 4)
MOMENT = datetime(2026, 12, 4, 14, 30)

WRITTEN = {
    "en": ("4 Dec 2026", "4 December 2026", "4 Dec 2026, 14:30", "4 December 2026, 14:30"),
    "vi": ("04/12/2026", "04/12/2026", "04/12/2026 14:30", "04/12/2026 14:30"),
    "zh-hans": ("2026年12月4日", "2026年12月4日", "2026年12月4日 14:30", "2026年12月4日 14:30"),
    "zh-hant": ("2026年12月4日", "2026年12月4日", "2026年12月4日 14:30", "2026年12月4日 14:30"),
}


@pytest.mark.parametrize("language", list(WRITTEN))
def test_dates_are_written_as_each_language_writes_them(language):
    with translation.override(language):
        written = (formats.date_format(DAY, "SHORT_DATE_FORMAT"), formats.date_format(DAY, "DATE_FORMAT"),
                   formats.date_format(MOMENT, "SHORT_DATETIME_FORMAT"), formats.date_format(MOMENT, "DATETIME_FORMAT"))
    assert written == WRITTEN[language]


def test_every_language_of_the_portal_has_its_format_file():
    assert set(WRITTEN) == {code for code, _name in settings.LANGUAGES}


@pytest.mark.parametrize("language", list(WRITTEN))
def test_a_date_picker_shows_and_reads_iso_in_every_language(language):
    class Form(forms.Form):
        on = forms.DateField(widget=DatePicker)

    with translation.override(language):
        assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%Y-%m-%d"
        html = str(Form(initial={"on": DAY})["on"])
        assert 'type="date"' in html and 'value="2026-12-04"' in html
        bound = RosterDateForm({"on": "2026-12-04"})
        assert bound.is_valid(), bound.errors
        assert bound.cleaned_data["on"] == DAY


@pytest.mark.parametrize(("language", "typed"), [
    ("vi", "04/12/2026"), ("en", "4 Dec 2026"), ("en", "04/12/2026"), ("zh-hans", "2026年12月4日"),
    ("zh-hant", "2026/12/04"),
])
def test_a_date_typed_the_languages_way_is_read_day_first(language, typed):
    with translation.override(language):
        form = RosterDateForm({"on": typed})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["on"] == DAY


def test_templates_use_the_named_date_formats():
    """A pattern of a template's own ("d/m/Y", "m/d/Y") would show one language's way to everyone.
    Machine values are allowed: ``c`` (a <time datetime>), ``Y-m-d`` and ``Y-m`` (a link's query: a
    day, a month)."""
    allowed = {"DATE_FORMAT", "SHORT_DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATETIME_FORMAT", "c", "Y-m-d", "Y-m"}
    found = []
    for path in (Path(settings.BASE_DIR) / "templates").rglob("*.html"):
        for pattern in re.findall(r"""\|date:["']([^"']*)["']""", path.read_text(encoding="utf-8")):
            if pattern not in allowed:
                found.append((path.name, pattern))
    assert not found


@pytest.mark.parametrize(("language", "shown"), [("en", "4 December 2026"), ("vi", "04/12/2026"),
                                                  ("zh-hans", "2026年12月4日")])
def test_a_message_shows_its_date_the_readers_way(language, shown, monkeypatch):
    from qms_portal import notifications

    monkeypatch.setitem(notifications.KINDS, "test_due", "Due on %(date)s: %(object)s")
    params = {k: notifications.store(v) for k, v in {"date": DAY, "object": "QT-01"}.items()}
    message = Notification(kind="test_due", params={notifications.VERSION_KEY: 2, **params}, created_at=timezone.now())
    assert message.params["date"] == {"$date": "2026-12-04"}  # stored ISO, whoever reads it
    with translation.override(language):
        assert render_title(message) == f"Due on {shown}: QT-01"
