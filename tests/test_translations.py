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


# Mainland forms that read as foreign to a Taiwan reader (see locale/zh_Hant/GLOSSARY.md, "(test)").
MAINLAND_FORMS = {
    "質量": "品質", "體系": "系統", "門戶": "入口網站", "審核": "稽核 / 審查 / 核准", "評審": "審查",
    "批准": "核准", "審批": "簽核", "用戶": "使用者", "信息": "資訊 / 訊息", "數據": "資料", "文檔": "文件",
    "默認": "預設", "登錄": "登入", "賬號": "帳號", "導出": "匯出", "導入": "匯入", "打印": "列印",
    "搜索": "搜尋", "設置": "設定", "鏈接": "連結", "郵箱": "信箱", "收件箱": "收件匣", "保存": "儲存",
    "創建": "建立", "激活": "啟用", "菜單": "選單", "刷新": "重新整理",
}
# Longer words in which a listed form is legitimate Taiwan usage (documented in GLOSSARY.md).
TAIWAN_EXCEPTIONS = ["保存期限", "保存年限", "品質"]


def _zh_hant_msgstrs():
    po = LOCALE / "zh_Hant" / "LC_MESSAGES" / "django.po"
    return [(msgid, s) for _flags, msgid, strs in _entries(po.read_text(encoding="utf-8")) for s in strs]


def _mainland_forms_in(text):
    for allowed in TAIWAN_EXCEPTIONS:
        text = text.replace(allowed, "·")
    return [form for form in MAINLAND_FORMS if form in text]


def test_zh_hant_uses_taiwan_terms():
    found = [(msgid, translated, [f"{form} → {MAINLAND_FORMS[form]}" for form in forms])
             for msgid, translated in _zh_hant_msgstrs() if (forms := _mainland_forms_in(translated))]
    assert not found, f"mainland terms in zh_Hant (see locale/zh_Hant/GLOSSARY.md): {found[:10]}"


def test_the_taiwan_term_check_spares_its_exceptions_only():
    assert _mainland_forms_in("紀錄保存期限為 3 年；品質量測") == []
    assert _mainland_forms_in("請保存草稿") == ["保存"]
    assert _mainland_forms_in("質量管理體系") == ["質量", "體系"]


def test_zh_hant_quotes_labels_with_corner_brackets():
    curly = [(msgid, s) for msgid, s in _zh_hant_msgstrs() if "“" in s or "”" in s]
    assert not curly, f"use 「」 rather than “” in zh_Hant: {curly[:10]}"
