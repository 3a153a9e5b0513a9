import base64
import copy
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from django.urls import reverse

from qms_portal import pdf
from tests import factories
from tests.helpers import need

# a 1×1 transparent PNG
PIXEL = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)).decode()

HOSTILE = f"""<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="http://127.0.0.1:9/evil.css"></head><body>
<p>Hello PDF</p>
<img src="file:///etc/passwd">
<img src="http://127.0.0.1:9/x.png">
<img src="data:image/png;base64,{PIXEL}">
<img src="/static/../../qms_portal/settings.py">
</body></html>"""


@pytest.fixture
def template_dir(tmp_path, settings):
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [tmp_path, *templates[0]["DIRS"]]
    settings.TEMPLATES = templates
    (tmp_path / "hostile.html").write_text(HOSTILE, encoding="utf-8")
    return tmp_path


@pytest.fixture
def fetched(monkeypatch):
    """Every URL that reaches WeasyPrint's real fetcher (the network, the file system)."""
    from weasyprint.urls import URLFetcher

    seen = []
    real = URLFetcher.fetch

    def spy(self, url, headers=None):
        seen.append(url)
        return real(self, url, headers)

    monkeypatch.setattr(URLFetcher, "fetch", spy)
    return seen


def pdftotext(data, tmp_path):
    need(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed",
         "QMS_REQUIRE_BROWSER")
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    # table cells wrap: compare with the whitespace collapsed
    return " ".join(unicodedata.normalize("NFC", out.stdout.decode("utf-8")).split())


@pytest.fixture
def weasyprint_ready():
    problem = pdf.weasyprint_problem()
    need(problem is None, problem or "", "QMS_REQUIRE_BROWSER")


def test_the_pdf_renderer_refuses_files_and_network_but_allows_data_uris(weasyprint_ready, template_dir, fetched,
                                                                         caplog, tmp_path):
    caplog.set_level("WARNING", logger="qms_portal.pdf")
    data = pdf.render_pdf("hostile.html", {})
    assert data.startswith(b"%PDF-")
    refused = {r.args[0] for r in caplog.records if r.name == "qms_portal.pdf" and "refused" in r.getMessage()}
    assert "file:///etc/passwd" in refused
    assert "http://127.0.0.1:9/x.png" in refused
    assert "http://127.0.0.1:9/evil.css" in refused
    assert any("settings.py" in url for url in refused)
    # only the data: URI went through to the real fetcher
    assert fetched and all(url.startswith("data:") for url in fetched), fetched
    assert "Hello PDF" in pdftotext(data, tmp_path)


def test_the_pdf_renderer_serves_the_portals_own_static_files(weasyprint_ready, fetched, caplog):
    caplog.set_level("WARNING", logger="qms_portal.pdf")
    fetcher = pdf._fetcher_class()()
    response = fetcher.fetch(pdf.BASE_URL + "static/css/pdf.css")
    assert response.content_type == "text/css"
    assert fetched == []  # read from disk by the portal, not by urllib
    with pytest.raises(ValueError, match="refused"):
        fetcher.fetch(pdf.BASE_URL + "static/../manage.py")
    with pytest.raises(ValueError, match="refused"):
        fetcher.fetch(pdf.BASE_URL + "media/secret.pdf")


def test_an_unavailable_renderer_says_what_to_install(monkeypatch):
    monkeypatch.setattr(pdf, "weasyprint_problem", lambda: "PDF output is unavailable: no pango")
    with pytest.raises(pdf.PdfUnavailable, match="libpango"):
        pdf.render_pdf("pdf/base.html", {})


def made_by_a_worker(response):
    """The job a POST queued (its page is where the response sends the person), run as a Celery
    worker runs it; its file."""
    from qms_portal.jobs import job_run
    from qms_portal.models import Job

    assert response.status_code == 302
    job = Job.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))
    assert response["Location"] == reverse("job_detail", args=[job.pk])
    assert job_run(job_id=job.pk, attempt=job.attempts), Job.objects.get(pk=job.pk).error
    job.refresh_from_db()
    return job


@pytest.mark.django_db
def test_the_roster_pdf_prints_chinese_and_vietnamese_names(client_for, tmp_path, settings):
    need(not pdf.cjk_fonts_missing(), "Noto Sans CJK fonts are not installed", "QMS_REQUIRE_BROWSER")
    settings.MEDIA_ROOT = tmp_path / "media"
    tree = factories.small_tree()
    bureau = factories.make_unit(tree.city, f"{tree.prefix}DL", kind="agency", name="大连市城建局")
    anh = factories.make_user(f"{tree.prefix}anh", bureau,
                              full_name=unicodedata.normalize("NFD", "Nguyễn Văn Ánh"), position="Chuyên viên")
    factories.assign(anh, "document_controller", bureau)
    job = made_by_a_worker(client_for(tree.admin).post(reverse("unit_roster_pdf", args=[bureau.pk])))
    assert (job.kind, job.params, job.filename) == ("qms_portal.unit_roster_pdf", {"unit": bureau.pk},
                                                    f"roster-{bureau.code}.pdf")
    with job.file.open("rb") as handle:
        text = pdftotext(handle.read(), tmp_path)
    assert "大连市城建局" in text
    assert "Nguyễn Văn Ánh" in text
    assert bureau.code in text and "Page 1 of 1" in text


@pytest.mark.django_db
def test_the_roster_pdf_is_refused_outside_ones_scope(tree, client_for):
    # the district steering member may print the district's roster, not the agency's
    response = client_for(tree.district_steering).post(reverse("unit_roster_pdf", args=[tree.agency.pk]))
    assert response.status_code == 404
    response = client_for(tree.ward1_staff).post(reverse("unit_roster_pdf", args=[tree.ward1.pk]))
    assert response.status_code == 403


@pytest.mark.django_db
def test_a_roster_job_refuses_a_unit_the_requester_no_longer_sees(tree, settings, tmp_path):
    from qms_portal.jobs import job_run, job_start
    from qms_portal.models import Job

    settings.MEDIA_ROOT = tmp_path
    job = job_start(acting_user=tree.district_steering, kind="qms_portal.unit_roster_pdf",
                    params={"unit": tree.agency.pk}, queue=False)  # outside their district
    assert job_run(job_id=job.pk, attempt=1) is False
    assert Job.objects.get(pk=job.pk).error == "You may no longer see the roster of this unit."


def test_the_fetcher_serves_collected_static_files_by_their_hashed_names(tmp_path, monkeypatch):
    """In production templates name static files by their hashed, collected names
    (``css/pdf.0242aefa18fb.css``): the PDF renderer must find them in STATIC_ROOT."""
    from django.contrib.staticfiles.storage import StaticFilesStorage

    from qms_portal.pdf import BASE_URL, _fetcher_class

    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "pdf.0242aefa18fb.css").write_text("body { color: red }")
    monkeypatch.setattr("django.contrib.staticfiles.storage.staticfiles_storage",
                        StaticFilesStorage(location=str(tmp_path)))
    response = _fetcher_class()().fetch(BASE_URL + "static/css/pdf.0242aefa18fb.css")
    assert response.read() == b"body { color: red }"


def test_chinese_is_found_by_script_and_told_simplified_or_traditional_by_its_characters():
    from django.utils import translation

    assert pdf.han_variant("Quy trình kiểm soát", "ISO 9001") is None
    assert pdf.han_variant("品質管理系統") == "zh-Hant"  # 質, 統: Traditional only
    assert pdf.han_variant("质量管理体系") == "zh-Hans"  # 质, 体, 系: Simplified only
    # Characters common to both: the printing language when it is Chinese, else Simplified.
    assert pdf.han_variant("文件控制程序", language="zh-hant") == "zh-Hant"
    assert pdf.han_variant("文件控制程序", language="en") == "zh-Hans"
    with translation.override("zh-hant"):
        assert pdf.han_variant("文件控制程序") == "zh-Hant"


def test_chinese_runs_are_marked_with_their_language_and_everything_is_escaped():
    marked = pdf.mark_han("Quy trình <b> 品質手冊，第一版 & more")
    assert marked == ('Quy trình &lt;b&gt; <span lang="zh-Hant">品質手冊，第一版</span> &amp; more')
    assert pdf.mark_han("文件", "zh-Hans") == '<span lang="zh-Hans">文件</span>'
    assert pdf.mark_han("<i>Plain</i>") == "&lt;i&gt;Plain&lt;/i&gt;" and pdf.mark_han(None) == ""


def test_the_page_counter_is_the_catalogues_page_x_of_y():
    from django.utils import translation

    with translation.override("en"):
        assert pdf.page_counter_css() == '"Page " counter(page) " of " counter(pages)'
    with translation.override("zh-hant"):
        assert pdf.page_counter_css() == '"第 " counter(page) " 頁，共 " counter(pages) " 頁"'


def test_a_stale_collected_stylesheet_never_styles_a_pdf(tmp_path, settings):
    """A STATIC_ROOT left from an older checkout (an old pdf.css collected there) is not read: the
    source file is."""
    from qms_portal.pdf import _static_path

    stale = tmp_path / "css" / "pdf.css"
    stale.parent.mkdir()
    stale.write_text("/* old */")
    settings.STATIC_ROOT = str(tmp_path)
    found = _static_path("css/pdf.css")
    assert found and not found.startswith(str(tmp_path))
    assert "@page" in Path(found).read_text(encoding="utf-8")
