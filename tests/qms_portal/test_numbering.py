"""Numbering sequences (``qms_portal.numbering``): formats, yearly restart, never twice, rollback,
concurrent first use, pattern validation and the peek for forms."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction

from qms_portal.models import NumberSequence, Unit
from qms_portal.numbering import last_number, next_number, peek_next, validate_pattern
from tests import factories
from tests.helpers import need

pytestmark = pytest.mark.django_db

NC = "{unit}-NC-{year}-{n:03}"


@pytest.fixture
def unit(db):
    return factories.make_root(f"{factories._unique('N')}DIST", name="District")


def nc(unit, year=2026):
    return next_number(unit=unit, kind="NC", pattern=NC, year=year)


# --- Formats ------------------------------------------------------------------------------------


def test_it_formats_the_unit_code_the_year_and_the_number(unit):
    assert [nc(unit) for _ in range(3)] == [f"{unit.code}-NC-2026-{n:03}" for n in (1, 2, 3)]


def test_the_callers_fields_fill_the_pattern_and_number_is_the_same_as_n(unit):
    fields = {"prefix": "SNV", "type": "QT"}
    first = next_number(unit=unit, kind="documents:QT", pattern="{prefix}-{type}-{number:02d}", fields=fields)
    second = next_number(unit=unit, kind="documents:QT", pattern="{type}.{n:03d}/{prefix}", fields=fields)
    assert (first, second) == ("SNV-QT-01", "QT.002/SNV")


def test_numbers_run_per_unit_and_per_kind(unit):
    other = factories.make_unit(unit, f"{unit.code}-W", kind="ward")
    assert [nc(unit), nc(unit), nc(other)] == [f"{unit.code}-NC-2026-001", f"{unit.code}-NC-2026-002",
                                               f"{other.code}-NC-2026-001"]
    assert next_number(unit=unit, kind="CA", pattern="CA-{n}", year=None) == "CA-1"
    assert next_number(unit=unit, kind="NC", pattern="NC-{n}") == "NC-1"  # the sequence without a year
    assert last_number(unit=unit, kind="NC", year=2026) == 2


def test_a_yearly_sequence_starts_again_each_year_and_keeps_each_years_count(unit):
    assert [nc(unit, 2026), nc(unit, 2026), nc(unit, 2027), nc(unit, 2026)] == [
        f"{unit.code}-NC-2026-001", f"{unit.code}-NC-2026-002", f"{unit.code}-NC-2027-001",
        f"{unit.code}-NC-2026-003"]
    assert NumberSequence.objects.filter(unit=unit, kind="NC").count() == 2


# --- Never twice ----------------------------------------------------------------------------------


def test_a_number_once_given_is_never_given_again(unit):
    given = {nc(unit) for _ in range(5)}
    # Whatever became of the records that carried them (withdrawn, cancelled), the sequence only grows.
    assert nc(unit) not in given
    assert last_number(unit=unit, kind="NC", year=2026) == 6


def test_a_transaction_that_rolls_back_does_not_consume_a_number(unit):
    assert nc(unit).endswith("-001")
    with pytest.raises(RuntimeError), transaction.atomic():
        assert nc(unit).endswith("-002")
        raise RuntimeError("the record could not be saved")
    assert nc(unit).endswith("-002")


def test_a_rolled_back_first_use_leaves_no_sequence_behind(unit):
    with pytest.raises(RuntimeError), transaction.atomic():
        nc(unit)
        raise RuntimeError("the record could not be saved")
    assert not NumberSequence.objects.filter(unit=unit).exists()
    assert nc(unit).endswith("-001")


def test_numbers_already_in_use_are_passed_over_and_consumed(unit):
    used = {f"{unit.code}-NC-2026-002", f"{unit.code}-NC-2026-003"}
    numbers = [next_number(unit=unit, kind="NC", pattern=NC, year=2026, taken=used.__contains__) for _ in range(2)]
    assert numbers == [f"{unit.code}-NC-2026-001", f"{unit.code}-NC-2026-004"]
    assert last_number(unit=unit, kind="NC", year=2026) == 4


def test_there_is_one_sequence_without_a_year_per_unit_and_kind(unit):
    NumberSequence.objects.create(unit=unit, kind="NC", year=None)
    NumberSequence.objects.create(unit=unit, kind="NC", year=2026)
    with pytest.raises(IntegrityError), transaction.atomic():
        NumberSequence.objects.create(unit=unit, kind="NC", year=None)  # NULL is no escape from the constraint
    with pytest.raises(IntegrityError), transaction.atomic():
        NumberSequence.objects.create(unit=unit, kind="NC", year=2026)


# --- The peek for forms -----------------------------------------------------------------------------


def test_peek_shows_the_next_number_without_consuming_it(unit):
    assert peek_next(unit=unit, kind="NC", pattern=NC, year=2026) == f"{unit.code}-NC-2026-001"
    assert not NumberSequence.objects.filter(unit=unit).exists()  # a look creates nothing
    nc(unit)
    assert peek_next(unit=unit, kind="NC", pattern=NC, year=2026) == f"{unit.code}-NC-2026-002"
    assert peek_next(unit=unit, kind="NC", pattern=NC, year=2026) == f"{unit.code}-NC-2026-002"
    assert nc(unit) == f"{unit.code}-NC-2026-002"


def test_peek_passes_over_numbers_in_use_as_the_next_number_will(unit):
    used = {f"{unit.code}-NC-2026-001"}
    peeked = peek_next(unit=unit, kind="NC", pattern=NC, year=2026, taken=used.__contains__)
    assert peeked == next_number(unit=unit, kind="NC", pattern=NC, year=2026, taken=used.__contains__)
    assert peeked.endswith("-002")


# --- Patterns -------------------------------------------------------------------------------------


@pytest.mark.parametrize("pattern", ["{n}", "{unit}-{number:04d}", "X/{year}/{n:03}", "{prefix}-{type}-{number:02d}",
                                     "{{literal}}-{n}"])
def test_well_formed_patterns_are_accepted(pattern):
    validate_pattern(pattern, ["prefix", "type"], yearly="{year}" in pattern)


@pytest.mark.parametrize(("pattern", "code"), [
    ("{unit}-{nummer}", "unknown_field"),
    ("{unit.pk}-{n}", "unknown_field"),  # attribute lookups would reach into Python objects
    ("{prefix[0]}-{n}", "unknown_field"),
    ("{0}-{n}", "unknown_field"),
    ("{}-{n}", "unknown_field"),
    ("{year}-{n}", "unknown_field"),  # a sequence without a year has no {year}
    ("{unit}-{n", "malformed"),
    ("{unit}}-{n}", "malformed"),
    ("{unit!r}-{n}", "malformed"),
    ("{n:{prefix}}", "malformed"),
    ("{n:q}", "malformed"),  # not a format of a number
    ("{unit:03d}-{n}", "malformed"),  # the unit code is text
    ("{n:0999999999}", "malformed"),  # a width that would fill the memory
    ("{unit}-{prefix}", "no_number"),
    ("CODE", "no_number"),
])
def test_a_pattern_that_cannot_number_records_is_refused_with_a_reason(pattern, code):
    with pytest.raises(ValidationError) as error:
        validate_pattern(pattern, ["prefix"])
    assert error.value.code == code, error.value.messages
    assert error.value.messages[0]  # a sentence for the person who typed it


def test_the_unknown_field_message_names_the_field_and_the_fields_to_use():
    with pytest.raises(ValidationError) as error:
        validate_pattern("{unit}-{nummer}", ["prefix"])
    assert error.value.messages == [
        "The pattern has an unknown field {nummer}. Fields you may use: {unit}, {prefix}, {n}, {number}."]


def test_a_yearly_sequence_needs_the_year_in_its_pattern(unit):
    with pytest.raises(ValidationError) as error:
        next_number(unit=unit, kind="NC", pattern="{unit}-NC-{n:03}", year=2026)
    assert error.value.code == "no_year"  # NC-001 of 2026 and of 2027 would be the same number
    assert not NumberSequence.objects.filter(unit=unit).exists()


def test_an_invalid_pattern_consumes_no_number(unit):
    nc(unit)
    with pytest.raises(ValidationError):
        next_number(unit=unit, kind="NC", pattern="{unit}-{nummer}", year=2026)
    assert nc(unit).endswith("-002")


def test_the_messages_go_through_gettext(monkeypatch):
    monkeypatch.setattr("qms_portal.numbering._", lambda text: f"«{text}»")
    with pytest.raises(ValidationError) as error:
        validate_pattern("{unit}")
    assert error.value.messages == ["«The pattern must include the number: {n} or {number}.»"]


# --- Two first uses at once (PostgreSQL) ----------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("year", [2026, None])  # None: the partial unique index is the guard
def test_concurrent_first_uses_each_get_their_own_number(year):
    need(connection.vendor == "postgresql", "needs PostgreSQL row locks and concurrent transactions",
         "QMS_REQUIRE_POSTGRES")
    unit = factories.make_root(f"{factories._unique('C')}DIST", name="District")
    pattern = NC if year else "{unit}-NC-{n:03}"
    people = 6
    barrier = threading.Barrier(people, timeout=20)
    numbers, errors = [], []

    def take():
        try:
            own = Unit.objects.get(pk=unit.pk)
            barrier.wait()
            with transaction.atomic():
                number = next_number(unit=own, kind="NC", pattern=pattern, year=year)
                # Hold the lock a moment, as a service saving its record would.
                NumberSequence.objects.filter(unit=own).exists()
            numbers.append(number)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take) for _ in range(people)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    assert sorted(numbers) == [pattern.format(unit=unit.code, year=year, n=n) for n in range(1, people + 1)]
    assert NumberSequence.objects.get(unit=unit, kind="NC", year=year).last_number == people
