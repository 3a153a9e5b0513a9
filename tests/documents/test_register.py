"""The document register: types, numbering per unit and type, uniqueness, the clause catalogue."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from documents import services
from documents.forms import DocumentForm
from documents.models import Clause, Document, DocumentType
from qms_portal.numbering import last_number
from tests.documents.factories import doc_type, effective_document, new_document
from tests.factories import make_superuser

pytestmark = pytest.mark.django_db


# --- Document types -----------------------------------------------------------------------------


def test_the_document_types_of_a_government_qms_are_seeded():
    types = {t.code: t for t in DocumentType.objects.filter(is_system=True)}
    assert {code: t.level for code, t in types.items()} == {
        "STCL": 1, "CS": 1, "MT": 1, "QT": 2, "HD": 3, "BM": 4, "TL": 5,
    }
    assert types["QT"].needs_category and types["QT"].has_steps
    assert not types["HD"].needs_category and types["HD"].has_steps
    assert types["BM"].is_form and not types["QT"].is_form
    assert [t for t, v in types.items() if v.needs_category] == ["QT"]


def test_seeding_the_types_again_changes_nothing():
    before = DocumentType.objects.count()
    services.ensure_system_types()
    assert DocumentType.objects.count() == before


# --- Numbering ----------------------------------------------------------------------------------


def test_without_settings_a_document_is_numbered_with_the_unit_code(ds):
    first, second = new_document(ds), new_document(ds)
    assert (first.code, second.code) == (f"{ds.dept.code}-QT-01", f"{ds.dept.code}-QT-02")


def test_numbers_run_per_unit_and_per_type(ds):
    services.register_settings_save(acting_user=ds.author, unit=ds.dept, prefix="SNV",
                                    pattern="{prefix}-{type}-{number:02d}")
    procedures = [new_document(ds).code for _ in range(3)]
    instruction = new_document(ds, type_code="HD").code
    form = new_document(ds, type_code="BM").code
    in_office = new_document(ds, unit=ds.office).code
    assert procedures == ["SNV-QT-01", "SNV-QT-02", "SNV-QT-03"]
    assert (instruction, form) == ("SNV-HD-01", "SNV-BM-01")
    assert in_office == f"{ds.office.code}-QT-01"  # the office has its own register, no settings
    assert last_number(unit=ds.dept, kind="documents:QT") == 3


def test_the_register_settings_pattern_shapes_the_code(ds):
    services.register_settings_save(acting_user=ds.author, unit=ds.dept, prefix="SNV",
                                    pattern="{type}.{number:03d}/{prefix}")
    assert new_document(ds).code == "QT.001/SNV"


@pytest.mark.parametrize("pattern", ["{prefix}-{type}-{nummer}", "{0}-{number}", "{prefix}-{type}-{number",
                                     "{prefix}-{type}", "{prefix.__class__}-{number}", "{type[0]}-{number}"])
def test_a_pattern_with_unknown_fields_or_without_the_number_is_refused(ds, pattern):
    with pytest.raises(ValidationError) as error:
        services.register_settings_save(acting_user=ds.author, unit=ds.dept, prefix="SNV", pattern=pattern)
    assert "pattern" in error.value.message_dict
    assert new_document(ds).code == f"{ds.dept.code}-QT-01"  # nothing was saved


def test_a_new_pattern_or_prefix_goes_on_from_the_last_number_given(ds):
    assert new_document(ds).code == f"{ds.dept.code}-QT-01"
    services.register_settings_save(acting_user=ds.author, unit=ds.dept, prefix="SNV",
                                    pattern="{unit}/{prefix}-{type}-{number:03d}")
    assert new_document(ds).code == f"{ds.dept.code}/SNV-QT-002"  # never 01 again, whatever it looks like


def test_a_pattern_saved_unchecked_that_gives_too_long_a_code_is_refused_at_numbering(ds):
    from documents.models import RegisterSettings

    RegisterSettings.objects.create(unit=ds.dept, prefix="P" * 20, pattern="{prefix}{prefix}-{type}-{number}")
    with pytest.raises(ValidationError) as error:
        new_document(ds)
    assert "longer than 40 characters" in error.value.message_dict["code"][0]
    assert last_number(unit=ds.dept, kind="documents:QT") == 0  # the failed creation gave its number back


def test_only_a_document_controller_of_the_unit_sets_its_pattern(ds):
    for user, unit in ((ds.staff, ds.office), (ds.author, ds.other)):
        with pytest.raises(PermissionDenied):
            services.register_settings_save(acting_user=user, unit=unit, prefix="X", pattern="{prefix}-{number}")


def test_a_code_typed_by_hand_is_skipped_by_the_numbering(ds):
    services.register_settings_save(acting_user=ds.author, unit=ds.dept, prefix="SNV",
                                    pattern="{prefix}-{type}-{number:02d}")
    assert new_document(ds, code="SNV-QT-02").code == "SNV-QT-02"
    assert [new_document(ds).code for _ in range(2)] == ["SNV-QT-01", "SNV-QT-03"]


def test_a_code_is_unique_within_a_unit(ds):
    new_document(ds, code="SNV-QT-05")
    with pytest.raises(ValidationError) as error:
        new_document(ds, code="SNV-QT-05")
    assert "code" in error.value.message_dict
    assert Document.objects.filter(unit=ds.dept, code="SNV-QT-05").count() == 1


def test_the_same_code_may_be_used_in_two_units(ds):
    new_document(ds, code="SNV-QT-05")
    other = new_document(ds, code="SNV-QT-05", unit=ds.other, author=make_superuser())
    assert other.unit == ds.other
    assert Document.objects.filter(code="SNV-QT-05").count() == 2


def test_a_withdrawn_code_is_never_given_again(ds):
    from documents.services import revision_transition

    first = effective_document(ds)
    second = effective_document(ds)
    assert second.code.endswith("-QT-02")
    revision_transition(acting_user=ds.author, revision=second.current_revision, name="withdraw",
                        reason="Merged into QT-01")
    third = new_document(ds)
    assert third.code.endswith("-QT-03")
    assert {first.code, second.code, third.code} == set(
        Document.objects.filter(unit=ds.dept).values_list("code", flat=True))


def test_a_document_starts_with_a_first_draft_by_its_author(ds):
    document = new_document(ds, review_months=None)
    revision = document.revisions.get()
    assert (revision.number, revision.status, revision.author) == (1, "draft", ds.author)
    assert document.current_revision is None
    assert document.review_months == doc_type("QT").default_review_months


def test_only_someone_who_may_add_documents_in_the_unit_creates_one(ds):
    for user, unit in ((ds.staff, ds.office), (ds.author, ds.other), (ds.nobody, ds.dept)):
        with pytest.raises(PermissionDenied):
            new_document(ds, author=user, unit=unit)
    assert not Document.objects.filter(unit__in=[ds.office, ds.other, ds.dept]).exists()


# --- Categories ---------------------------------------------------------------------------------


def test_a_procedure_needs_a_category(ds):
    with pytest.raises(ValidationError) as error:
        new_document(ds, category="")
    assert "category" in error.value.message_dict
    assert not Document.objects.filter(unit=ds.dept).exists()
    assert last_number(unit=ds.dept, kind="documents:QT") == 0


@pytest.mark.parametrize("category", ["mandatory", "operational", "support"])
def test_each_procedure_category_is_accepted(ds, category):
    assert new_document(ds, category=category).category == category


def test_other_types_need_no_category(ds):
    assert new_document(ds, type_code="HD").category == ""


def test_the_document_form_asks_for_the_category_of_a_procedure(ds):
    data = {"unit": ds.dept.pk, "doc_type": doc_type("QT").pk, "title": "Quy trình tiếp nhận hồ sơ",
            "process_owner": ds.approver.pk, "review_months": 12}
    form = DocumentForm(data=data, user=ds.author)
    assert not form.is_valid()
    assert "category" in form.errors
    form = DocumentForm(data=data | {"category": "operational"}, user=ds.author)
    assert form.is_valid(), form.errors


# --- The ISO 9001 clause catalogue --------------------------------------------------------------


def test_the_clause_catalogue_holds_the_51_clauses_in_numeric_order():
    numbers = list(Clause.objects.values_list("number", flat=True))
    assert len(numbers) == 51
    assert numbers[:3] == ["4", "4.1", "4.2"]
    assert numbers.index("9.3") < numbers.index("10") < numbers.index("10.3")
    assert numbers[-1] == "10.3"
    services.ensure_clauses()
    assert Clause.objects.count() == 51


@pytest.mark.parametrize("language, number, title", [
    ("en", "7.5", "Documented information"),
    ("vi", "7.5", "Thông tin dạng văn bản"),
    ("zh-hans", "7.5", "成文信息"),
    ("zh-hans", "9.2", "内部审核"),
    ("zh-hant", "9.2", "內部稽核"),
    ("vi", "8.7", "Kiểm soát đầu ra không phù hợp"),
])
def test_a_clause_title_follows_the_active_language(language, number, title):
    clause = Clause.objects.get(number=number)
    with translation.override(language):
        assert clause.title == title
        assert str(clause) == f"{number} {title}"


# --- Editing a document -------------------------------------------------------------------------


def test_a_new_review_period_moves_the_next_review_date(ds):
    from datetime import date

    from dateutil.relativedelta import relativedelta

    document = effective_document(ds, effective_date=date(2025, 1, 15), review_months=12)
    assert document.next_review_date == date(2026, 1, 15)
    document = services.document_update(acting_user=ds.author, document=document, review_months=6)
    assert document.next_review_date == date(2025, 7, 15)
    services.periodic_review_record(acting_user=ds.approver, document=document, outcome="valid")
    reviewed = Document.objects.get(pk=document.pk)
    document = services.document_update(acting_user=ds.author, document=reviewed, review_months=24)
    assert document.next_review_date == reviewed.periodic_reviews.get().reviewed_on + relativedelta(months=24)


def test_an_empty_review_period_on_the_form_keeps_the_period(ds):
    document = new_document(ds, review_months=18)
    document = services.document_update(acting_user=ds.author, document=document, title="Tên mới",
                                        review_months=None)
    assert (document.title, document.review_months) == ("Tên mới", 18)


def test_a_procedure_keeps_its_category(ds):
    document = new_document(ds, category="mandatory")
    with pytest.raises(ValidationError) as error:
        services.document_update(acting_user=ds.author, document=document, category="")
    assert "category" in error.value.message_dict
    assert Document.objects.get(pk=document.pk).category == "mandatory"


def test_only_who_may_change_the_document_edits_it(ds):
    document = new_document(ds)
    for user in (ds.staff, ds.reviewer1, ds.outsider):
        with pytest.raises(PermissionDenied):
            services.document_update(acting_user=user, document=document, title="x")
