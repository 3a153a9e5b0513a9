"""The register's search with and without Vietnamese tone marks (qms_portal.search): officials
type "thu tuc" for "Thủ tục"; an accented query finds that spelling and not the other words that
share its letters; Chinese is searched as before."""

import unicodedata

import pytest
from django.core.cache import cache

from documents.models import Document
from tests.documents.factories import effective_document
from tests.helpers import listed_codes, need

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


def codes(response):
    return set(listed_codes(response))


@pytest.fixture
def marked_library(ds):
    """Vietnamese titles and texts with their marks, a title spelt without them, and Chinese ones."""
    return {
        "ho-tich": effective_document(ds, title="Thủ tục đăng ký hộ tịch", content="<p>Tiếp nhận hồ sơ</p>"),
        "tai-lieu": effective_document(ds, title="Quy trình kiểm soát tài liệu",
                                       content="<p>Bản sao tài liệu được đóng dấu</p>"),
        "danh-gia": effective_document(ds, title="Đánh giá nội bộ", content="<p>Chương trình đánh giá</p>"),
        "ban": effective_document(ds, title="Quy chế làm việc của Ban chỉ đạo ISO",
                                  content="<p>Thành viên ban họp hằng quý</p>"),
        "unmarked": effective_document(ds, title="Thu tuc cap ban sao", content="<p>Van ban go khong dau</p>"),
        "zh": effective_document(ds, title="文件控制程序", content="<p>本程序规定了文件控制的要求</p>"),
        "zh-hant": effective_document(ds, title="內部稽核程序", content="<p>稽核計畫</p>"),
    }


def _search(ds, client_for, library):
    client = client_for(ds.reviewer1)

    def search(text):
        cache.clear()  # the SQL is under test, not the cached table
        listed = codes(client.get("/documents/", {"q": text, "status": "all"}))
        return {key for key, d in library.items() if d.code in listed}

    return search


def test_search_without_tone_marks_finds_the_text_with_them(ds, client_for, marked_library):
    search = _search(ds, client_for, marked_library)
    assert search("thu tuc") == {"ho-tich", "unmarked"}
    assert search("thu tuc dang ky ho tich") == {"ho-tich"}
    assert search("DANG KY HO TICH") == {"ho-tich"}  # capitals, đ typed as d
    assert search("kiem soat tai lieu") == {"tai-lieu"}
    assert search("danh gia noi bo") == {"danh-gia"}
    assert search("chuong trinh danh gia") == {"danh-gia"}  # in the content
    assert search("tiep nhan ho so") == {"ho-tich"}


def test_search_with_tone_marks_finds_that_spelling_and_not_other_words(ds, client_for, marked_library):
    search = _search(ds, client_for, marked_library)
    assert search("thủ tục") == {"ho-tich"}  # not the title typed without marks
    assert search("Đánh giá nội bộ") == {"danh-gia"}
    assert search(unicodedata.normalize("NFD", "đăng ký hộ tịch")) == {"ho-tich"}
    # "ban" (a board) and "bản" (a copy) are one word without marks and two with them
    assert search("ban") == {"ban", "tai-lieu", "unmarked"}
    assert search("bản sao") == {"tai-lieu"}
    assert search("Ban chỉ đạo") == {"ban"}
    # some marks typed, others not: the marked words must match
    assert search("thủ tuc dang ky") == {"ho-tich"}
    assert search("đang ky") == set()  # "đang" is another word than "đăng"


def test_chinese_search_is_unchanged_by_the_folding(ds, client_for, marked_library):
    search = _search(ds, client_for, marked_library)
    assert search("文件控制") == {"zh"}
    assert search("规定了文件") == {"zh"}
    assert search("稽核") == {"zh-hant"}


def _text_query_plan(ds, query):
    """(the documents found for ``query``, the plan of the query that searched the revisions' text)."""
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from documents.filters import DocumentFilter

    request = RequestFactory().get("/documents/", {"q": query, "status": "all"})
    request.user = ds.reviewer1
    with CaptureQueriesContext(connection) as queries:
        found = list(DocumentFilter(request.GET, queryset=Document.objects.restrict(ds.reviewer1, "view"),
                                    request=request).qs)
    text_query = next(q["sql"] for q in queries if 'FROM "documents_revision"' in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + text_query)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return found, plan


@pytest.mark.postgres
def test_on_postgresql_a_vietnamese_search_is_served_by_the_words_index_and_reads_no_text(ds, marked_library):
    from django.db import connection

    need(connection.vendor == "postgresql", "the words' index exists on PostgreSQL only", "QMS_REQUIRE_POSTGRES")
    for query, wanted in (("thu tuc dang ky", "ho-tich"), ("Thủ tục đăng ký", "ho-tich"), ("tiếp nhận", "ho-tich"),
                          ("tiep nhan ho so", "ho-tich")):
        found, plan = _text_query_plan(ds, query)
        assert found == [marked_library[wanted]], query
        assert "Bitmap Index Scan on documents_rev_current_words" in plan, plan
        assert "documents_rev_current_trgm" not in plan, plan


@pytest.mark.postgres
def test_on_postgresql_a_chinese_search_is_served_by_the_trigram_index(ds, marked_library):
    from django.db import connection

    need(connection.vendor == "postgresql", "the trigram indexes exist on PostgreSQL only", "QMS_REQUIRE_POSTGRES")
    for query, wanted in (("规定了文件", "zh"), ("稽核計畫", "zh-hant")):
        found, plan = _text_query_plan(ds, query)
        assert found == [marked_library[wanted]], query
        assert "Bitmap Index Scan on documents_rev_current_trgm" in plan, plan


@pytest.mark.postgres
def test_on_postgresql_the_words_of_a_text_search_follow_each_other_as_typed(ds, client_for):
    """A phrase is found where its words follow each other (the words' positions), not where they
    appear apart; a marked word must be that word with its marks; a word is matched whole."""
    from django.db import connection

    need(connection.vendor == "postgresql", "the words' index exists on PostgreSQL only", "QMS_REQUIRE_POSTGRES")
    library = {
        "phrase": effective_document(ds, title="Quy trình một", content="<p>Tiếp nhận hồ sơ đăng ký hộ tịch.</p>"),
        "apart": effective_document(ds, title="Quy trình hai", content="<p>Hộ gia đình; quốc tịch.</p>"),
        "bowl": effective_document(ds, title="Quy trình ba", content="<p>Bảo quản hộp đựng tài liệu.</p>"),
    }
    search = _search(ds, client_for, library)
    assert search("ho tich") == {"phrase"}
    assert search("hộ tịch") == {"phrase"}
    assert search("HỘ TỊCH") == {"phrase"}
    assert search("hộ") == {"phrase", "apart"}  # not "hộp" (a box)
    assert search("ho") == {"phrase", "apart"}  # a whole word: not "hop"
    assert search("hộp đựng") == {"bowl"}
    assert search("ho quoc") == set()  # apart in the text
    assert search("gia dinh quoc tich") == {"apart"}  # punctuation between the words does not count
    assert search("ho so dang ky") == {"phrase"}


@pytest.mark.postgres
def test_on_postgresql_a_phrase_past_the_words_positions_is_found_in_the_text(ds, client_for):
    """A tsvector keeps word positions up to 16,383: in a longer text a phrase is checked on the
    text itself, so it is found wherever it stands."""
    from django.db import connection

    need(connection.vendor == "postgresql", "the words' index exists on PostgreSQL only", "QMS_REQUIRE_POSTGRES")
    filler = " ".join(["quy định chung"] * 6000)  # 18,000 words before the phrase
    library = {"long": effective_document(ds, title="Sổ tay", content=f"<p>{filler} đăng ký khai sinh</p>"),
               "short": effective_document(ds, title="Quy trình", content="<p>khai sinh; đăng ký</p>")}
    search = _search(ds, client_for, library)
    assert search("đăng ký khai sinh") == {"long"}
    assert search("dang ky khai sinh") == {"long"}
