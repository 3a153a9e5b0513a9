"""Every message is translated into Vietnamese, Simplified and Traditional Chinese: no empty and no
fuzzy entries, placeholders intact (msgfmt --check), and the compiled catalogues are up to date."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES = ["vi", "zh_Hans", "zh_Hant"]


def _entries(po_text):
    """(flags, msgid, msgstr values) for every entry but the header."""
    entries = []
    for block in po_text.split("\n\n"):
        lines = [line for line in block.splitlines() if line.strip() and not line.startswith("#~")]
        if not any(line.startswith("msgid") for line in lines):
            continue
        flags = " ".join(line for line in lines if line.startswith("#,"))
        current, msgid, msgstrs = None, "", []
        for line in lines:
            if line.startswith("msgid "):
                current, msgid = "id", line[6:].strip('"')
            elif line.startswith("msgid_plural"):
                current = "plural"
            elif line.startswith("msgstr"):
                current = "str"
                msgstrs.append(line.split(" ", 1)[1].strip('"'))
            elif line.startswith('"'):
                if current == "id":
                    msgid += line.strip('"')
                elif current == "str":
                    msgstrs[-1] += line.strip('"')
        if msgid:
            entries.append((flags, msgid, msgstrs))
    return entries


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    entries = _entries(po.read_text(encoding="utf-8"))
    assert len(entries) > 100, "the catalogue looks empty"
    fuzzy = [msgid for flags, msgid, _ in entries if "fuzzy" in flags]
    empty = [msgid for _, msgid, strs in entries if not strs or any(not s for s in strs)]
    assert not fuzzy, f"fuzzy in {language}: {fuzzy[:10]}"
    assert not empty, f"untranslated in {language}: {empty[:10]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_survive_translation(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    for _flags, msgid, strs in _entries(po.read_text(encoding="utf-8")):
        wanted = sorted(re.findall(r"%\(\w+\)s", msgid))
        for translated in strs:
            assert sorted(re.findall(r"%\(\w+\)s", translated)) == wanted, (language, msgid, translated)


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_the_source(language, tmp_path):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("msgfmt (gettext) is not installed")
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    fresh = tmp_path / "django.mo"
    subprocess.run([msgfmt, "--check", "-o", str(fresh), str(po)], check=True)
    committed = po.with_suffix(".mo")
    assert committed.exists(), "run `make messages` to compile the catalogues"
    assert committed.read_bytes() == fresh.read_bytes(), "the .mo file is stale: run `make messages`"


def test_the_portal_answers_in_each_language(client, django_user_model):
    user = django_user_model.objects.create_superuser("polyglot", "p@example.org", "pass-word-123", full_name="P")
    client.force_login(user)
    expected = {"vi": "Việc của tôi", "zh-hans": "我的工作", "zh-hant": "我的工作"}
    for code, text in expected.items():
        client.cookies["django_language"] = code
        page = client.get("/").content.decode()
        assert f'lang="{code}"' in page
        assert text in page, code
