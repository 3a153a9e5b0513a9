"""The ISO 9001 clause titles in Traditional Chinese read as Taiwan usage (CNS 12681; see
locale/zh_Hant/GLOSSARY.md): 品質 for quality, 品質管理系統, 文件化資訊, 稽核, 管理審查, 改善 — not the
mainland GB/T 19001 wording in Traditional characters. In the data a new database is seeded from,
and in an existing database through the data migration (found by the ending of its name, whatever
number the integrator gives it), which going back restores."""

import pytest
from django.utils import translation

from documents.data.iso9001 import CLAUSES
from documents.models import Clause
from documents.services import ensure_clauses
from tests.documents.test_numbering_migration import _before, _migrate, _named, executor_of_documents
from tests.test_translations import _mainland_forms_in

# Mainland ISO wording beyond the interface's list (GLOSSARY.md, "avoid" column of the ISO terms).
MAINLAND_ISO = ["成文信息", "策劃", "機遇", "相關方", "改進", "監視", "評價", "糾正", "意識", "運行", "輸出", "不合格",
                "關注焦點", "領導作用", "崗位"]
HANT = {number: hant for number, _en, _vi, _hans, hant in CLAUSES}


def mainland_wording(title):
    return _mainland_forms_in(title) + [form for form in MAINLAND_ISO if form in title]


def test_every_traditional_clause_title_is_in_taiwan_usage():
    found = {number: forms for number, title in HANT.items() if (forms := mainland_wording(title))}
    assert not found, f"mainland wording in the zh_Hant clause titles: {found}"
    quality = [number for number, en, *_rest in CLAUSES if "quality" in en.lower()]
    assert quality and all("品質" in HANT[number] for number in quality)
    assert HANT["4.4"] == "品質管理系統及其過程" and HANT["7.5"] == "文件化資訊"
    assert (HANT["9.2"], HANT["9.3"], HANT["10.3"]) == ("內部稽核", "管理審查", "持續改善")


def test_the_check_finds_the_old_wording():
    assert mainland_wording("確定質量管理體系的範圍") == ["質量", "體系"]
    assert mainland_wording("成文信息的控制") == ["信息", "成文信息"]
    assert mainland_wording("內部審核") == ["審核"]


@pytest.mark.django_db
def test_the_database_holds_them_and_a_taiwan_reader_sees_them():
    clause = Clause.objects.get(number="4.4")
    assert clause.title_zh_hant == "品質管理系統及其過程"
    with translation.override("zh-hant"):
        assert str(clause) == "4.4 品質管理系統及其過程"
    with translation.override("zh-hans"):
        assert str(clause) == "4.4 质量管理体系及其过程"  # Simplified keeps GB/T 19001


@pytest.mark.django_db(transaction=True)
def test_the_migration_retitles_the_seeded_wording_keeps_an_own_edit_and_goes_back():
    executor = executor_of_documents()
    taiwan = _named(executor, "documents", "_clause_titles_zh_hant_taiwan")
    before = _before(executor, taiwan)
    latest = executor.loader.graph.leaf_nodes()
    ensure_clauses()  # a browser or migration test that ran before on this worker emptied the database
    try:
        _migrate([before])
        Clause.objects.filter(number="4.4").update(title_zh_hant="質量管理體系及其過程")  # as 0002 seeded it
        Clause.objects.filter(number="9.2").update(title_zh_hant="內部審核")
        Clause.objects.filter(number="9.3").update(title_zh_hant="本機關自訂的標題")  # a deployment's own edit
        _migrate([taiwan])
        titles = dict(Clause.objects.filter(number__in=["4.4", "9.2", "9.3"]).values_list("number", "title_zh_hant"))
        assert titles == {"4.4": "品質管理系統及其過程", "9.2": "內部稽核", "9.3": "本機關自訂的標題"}
        _migrate([before])
        titles = dict(Clause.objects.filter(number__in=["4.4", "9.2"]).values_list("number", "title_zh_hant"))
        assert titles == {"4.4": "質量管理體系及其過程", "9.2": "內部審核"}
    finally:
        _migrate(latest)
