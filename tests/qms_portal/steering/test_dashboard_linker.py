"""The dashboard writes a figure's link once per figure and period when it ends with the unit's id
(``links.unit_register``), and asks the figure for each unit otherwise: the same addresses either way."""

from types import SimpleNamespace

from qms_portal import areas
from qms_portal.links import unit_register
from qms_portal.periods import Period
from qms_portal.steering.selectors import linker

UNITS = [SimpleNamespace(id=pk, path=f"/{pk}/", code=f"U{pk}") for pk in (1, 12, 4567)]


def figure(link):
    return areas.Figure("test.figure", "Test", lambda user: None, link=link)


def test_every_registered_link_is_written_the_same_by_the_linker():
    period = Period.of("year")
    for _area, found in areas.dashboard_figures():
        if found.link:
            write = linker(found, period)
            assert [write(unit) for unit in UNITS] == [found.link(unit, period) for unit in UNITS], found.key


def test_a_link_ending_with_the_units_id_is_made_once():
    calls = []

    def link(unit, period):
        calls.append(unit.id)
        return unit_register("nonconformities:register", unit, status="open")

    write = linker(figure(link), Period.of("month"))
    assert [write(unit) for unit in UNITS] == [f"/nonconformities/?status=open&unit={u.id}" for u in UNITS]
    assert len(calls) == 2  # the two probes


def test_any_other_link_is_asked_for_each_unit():
    by_path = figure(lambda unit, period: f"/x/?path={unit.path}")
    twice = figure(lambda unit, period: f"/x/?from={unit.id}&unit={unit.id}")
    first = figure(lambda unit, period: f"/x/?unit={unit.id}&status=open")
    for found in (by_path, twice, first):
        write = linker(found, Period.of("month"))
        assert [write(unit) for unit in UNITS] == [found.link(unit, None) for unit in UNITS]
    assert linker(figure(None), Period.of("month")) is None
