"""Searching with or without Vietnamese tone marks (qms_portal.search): the folded form, the
marked words an accented query must find, and the core's list filters (people, units)."""

import unicodedata

import pytest
from django.db import connection
from django.urls import reverse

from qms_portal.models import Unit, User
from qms_portal.search import fold, marked_words, query_terms, searchable, words_condition
from tests import factories
from tests.helpers import need

# --- The folded form ------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "folded"), [
    ("Thủ tục đăng ký hộ tịch", "thu tuc dang ky ho tich"),
    ("Quy trình kiểm soát tài liệu", "quy trinh kiem soat tai lieu"),
    ("Đánh giá nội bộ", "danh gia noi bo"),
    ("NGUYỄN THỊ ƯỚC MƠ", "nguyen thi uoc mo"),
    ("Ăn ở, ân ơn, ưng ý", "an o, an on, ung y"),
    ("Ðơn đề nghị", "don de nghi"),  # Ð (U+00D0), as converted old encodings hold it
])
def test_folding_removes_vietnamese_tone_and_vowel_marks_and_reads_d_for_dj(text, folded):
    assert fold(text) == folded
    assert fold(unicodedata.normalize("NFD", text)) == folded  # typed with combining marks


@pytest.mark.parametrize("text", [
    "文件控制程序", "內部稽核與管理審查", "がぎぐげご パピプ", "한국어 문서", "ＡＢＣ１２３",
])
def test_folding_leaves_chinese_japanese_and_korean_text_as_it_is(text):
    assert fold(text) == unicodedata.normalize("NFC", text).casefold()
    assert marked_words(text) == []
    assert searchable(text) == fold(text)


def test_a_stored_search_text_is_folded_then_lists_the_words_that_carry_marks_once():
    stored = searchable("Thủ tục đăng ký hộ tịch. THỦ TỤC 文件")
    assert stored == "thu tuc dang ky ho tich. thu tuc 文件\nthủ tục đăng ký hộ tịch"


@pytest.mark.parametrize("query", ["", "   ", "%", "_", "文件控制", "稽核 程序", "ファイル", "문서 관리"])
def test_queries_without_a_letter_or_in_unspaced_scripts_are_not_searched_by_words(query):
    assert words_condition(query, "search_words", "search_text") is None


@pytest.mark.parametrize("query", ["hộ tịch", "thu tuc", "ISO 9001", "7.5.3"])
def test_queries_in_words_are_searched_by_words_on_postgresql_only(query):
    condition = words_condition(query, "search_words", "search_text")
    assert (condition is not None) == (connection.vendor == "postgresql")


def test_a_query_is_folded_and_keeps_the_words_typed_with_marks():
    assert query_terms("  Thủ   tục  ") == ("thu tuc", ["thủ", "tục"])
    assert query_terms("thủ tuc") == ("thu tuc", ["thủ"])
    assert query_terms("thu tuc") == ("thu tuc", [])
    assert query_terms("文件控制") == ("文件控制", [])
    assert query_terms("   ") == ("", [])


# --- People and units -----------------------------------------------------------------------------


@pytest.fixture
def people(tree):
    return {
        "nguyen-x": factories.make_user("nvan", tree.ward1, full_name="Nguyễn Văn Đức", position="Chuyên viên"),
        "nguyen-e": factories.make_user("nthi", tree.ward1, full_name="Nguyên Thị Hoa"),
        "tran": factories.make_user("tran", tree.ward1, full_name="Trần Đăng Khoa"),
        "chen": factories.make_user("chen", tree.ward1, full_name="陈文件"),
    }


def _found(client, name, query):
    response = client.get(reverse(name), {"q": query})
    assert response.status_code == 200
    return set(response.context["object_list"])


def test_the_people_list_finds_vietnamese_names_typed_without_marks(tree, people, client_for):
    client = client_for(tree.admin)

    def found(query):
        listed = _found(client, "user_list", query)
        return {key for key, user in people.items() if user in listed}

    assert found("Nguyen") == {"nguyen-x", "nguyen-e"}  # without marks: both spellings
    assert found("NGUYEN VAN DUC") == {"nguyen-x"}
    assert found("Nguyễn") == {"nguyen-x"}  # with marks: that spelling only
    assert found("nguyên") == {"nguyen-e"}
    assert found("dang khoa") == {"tran"}  # đ typed as d
    assert found("Đăng") == {"tran"}
    assert found("chuyen vien") == {"nguyen-x"}  # the position too
    assert found("文件") == {"chen"}
    assert found(unicodedata.normalize("NFD", "Nguyễn")) == {"nguyen-x"}


def test_the_unit_list_finds_unit_names_typed_without_marks(tree, client_for):
    ward = factories.make_unit(tree.district, "SEARCH-PHUONG", kind="ward", name="Phường Bến Thành")
    office = factories.make_unit(tree.district, "SEARCH-SO", kind="agency", name="Sở Tư pháp")
    client = client_for(tree.admin)
    assert ward in _found(client, "unit_list", "ben thanh")
    assert _found(client, "unit_list", "phuong ben") == {ward}
    assert _found(client, "unit_list", "Sở tư") == {office}
    assert _found(client, "unit_list", "bẹn") == set()  # a different mark: not that word


def test_role_assignments_are_found_by_a_name_typed_without_marks(tree, people, client_for):
    factories.assign(people["tran"], "staff", tree.ward2)
    response = client_for(tree.admin).get(reverse("assignment_list"), {"q": "tran dang"})
    assert {a.user for a in response.context["object_list"]} == {people["tran"]}


# --- Stored search keys (people and units) --------------------------------------------------------


def test_a_person_and_a_unit_keep_a_search_key_written_on_every_save(tree, people):
    person = people["nguyen-x"]
    assert person.search_key == searchable("nvan Nguyễn Văn Đức " + person.email + " Chuyên viên")
    person.full_name = "Lê Thị Mơ"
    person.save()
    person.refresh_from_db()
    assert "le thi mo" in person.search_key and "Đức".casefold() not in person.search_key
    tree.ward1.name = "Phường Đa Kao"
    tree.ward1.save()
    tree.ward1.refresh_from_db()
    assert tree.ward1.search_key.startswith(fold(f"{tree.ward1.code} Phường Đa Kao"))


def test_a_renamed_person_is_found_by_the_new_name_and_not_the_old(tree, people, client_for):
    client = client_for(tree.admin)
    person = people["tran"]
    person.full_name = "Phạm Minh Châu"
    person.save()
    assert person in _found(client, "user_list", "pham minh chau")
    assert person not in _found(client, "user_list", "tran dang")


def test_the_migration_fills_the_search_key_of_existing_rows(tree, people):
    import importlib

    from django.apps import apps

    User.objects.update(search_key="")
    Unit.objects.update(search_key="")
    migration = importlib.import_module("qms_portal.migrations.0010_people_and_units_search_key")
    migration.fill(apps, None)
    assert not User.objects.filter(search_key="").exists()
    assert not Unit.objects.filter(search_key="").exists()
    assert User.objects.get(pk=people["nguyen-x"].pk).search_key == people["nguyen-x"].search_key


def test_the_search_key_is_not_shown_in_the_history():
    from qms_portal.history import shown_fields

    for model in (Unit, User):
        assert "search_key" not in {f.name for f in shown_fields(model)}


@pytest.mark.postgres
def test_on_postgresql_people_and_unit_searches_are_served_by_their_trigram_indexes(tree, people):
    from qms_portal.views.filters import UnitFilter, UserFilter

    need(connection.vendor == "postgresql", "the trigram indexes exist on PostgreSQL only", "QMS_REQUIRE_POSTGRES")
    for filterset, model, index in ((UserFilter, User, "qms_portal_user_search_trgm"),
                                    (UnitFilter, Unit, "qms_portal_unit_search_trgm")):
        # Unordered: what is checked is that the condition can be read from the trigram index (the
        # people list itself walks its name-order index and stops after a page).
        rows = filterset({"q": "Nguyễn"}, queryset=model.objects.all()).qs.order_by()
        sql, params = rows.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert f"Bitmap Index Scan on {index}" in plan, plan
