"""The rollout checklist: what each phase asks of a unit (from the source articles), and who ticks
each item — a person, by hand with a note and evidence, or the portal's records, when an area (or
the core) registered a check for it (``areas.RolloutCheck``). An item no area checks is ticked by
hand only: its figure is absent, not faked."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .. import areas
from ..models import RoleAssignment, Unit
from ..permissions import ancestor_paths
from .models import Phase


@dataclass(frozen=True)
class Item:
    code: str
    phase: str
    label: object


ITEMS = [
    Item("leading_group", Phase.PREPARATION, _("A leading group (ISO steering committee) is set up")),
    Item("management_representative", Phase.PREPARATION, _("A management representative is appointed")),
    Item("promotion_office", Phase.PREPARATION, _("A promotion office (ISO working group) is set up")),
    Item("document_writers", Phase.PREPARATION, _("Each department has named a document writer")),
    Item("internal_auditors", Phase.PREPARATION, _("An internal auditor is appointed")),
    Item("awareness_training", Phase.TRAINING, _("Staff have been trained on ISO 9001")),
    Item("auditor_training", Phase.TRAINING, _("The internal auditors have been trained")),
    Item("process_survey", Phase.PLANNING, _("Each department's duties, processes and interfaces are surveyed")),
    Item("quality_objectives", Phase.PLANNING, _("Quality objectives are set")),
    Item("document_set", Phase.DOCUMENTATION, _("The document set is effective")),
    Item("records_kept", Phase.IMPLEMENTATION, _("The procedures are applied and their records kept")),
    Item("internal_audit", Phase.INTERNAL_AUDIT, _("An internal audit is closed")),
    Item("management_review", Phase.MANAGEMENT_REVIEW, _("A management review is held")),
    Item("certified_or_announced", Phase.CERTIFIED,
         _("The QMS is certified, or announced as conforming to ISO 9001")),
    Item("surveillance", Phase.MAINTAINED, _("The system is maintained: surveillance audit or yearly review")),
]
_BY_CODE = {item.code: item for item in ITEMS}


def item_label(code):
    item = _BY_CODE.get(code)
    return item.label if item else code


def items_of(phase):
    return [item for item in ITEMS if item.phase == phase]


# ---- checks an area builds from its records -------------------------------------------------------
def units_with(queryset, *lookups, below=False):
    """A ``RolloutCheck.units`` for "a row of ``queryset`` on the unit": the row reaches its unit
    through each of ``lookups`` ("unit" by default; an audit also through "scope_units"). With
    ``below``, a row on a unit above counts too (an agency's management review covers its
    departments). One query per lookup (and one for the units' paths, with ``below``).
    ``queryset`` may be a function returning it, for rows that depend on the day (valid today)."""
    lookups = lookups or ("unit",)

    def units(unit_ids):
        rows = queryset() if callable(queryset) else queryset
        if not below:
            found = set()
            for lookup in lookups:
                # each unit once, in no order (a unit with 40 documents is one row, not 40 sorted by code)
                found |= set(rows.filter(**{f"{lookup}__in": unit_ids}).values_list(lookup, flat=True)
                             .order_by().distinct())
            return found
        paths = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "path"))
        held = set()
        for lookup in lookups:
            held |= set(rows.values_list(f"{lookup}__path", flat=True).order_by().distinct())
        return {pk for pk, path in paths.items() if any(p in held for p in ancestor_paths(path))}

    return units


def dates_of(queryset, field, lookup="unit"):
    """A ``RolloutCheck.dates`` for "since the earliest ``field`` of a row of ``queryset`` on the
    unit": ``{unit id: date}``, one query. ``queryset`` may be a function returning it."""
    from django.db.models import Min

    def dates(unit_ids):
        rows = queryset() if callable(queryset) else queryset
        return dict(rows.filter(**{f"{lookup}__in": unit_ids}).order_by().values(lookup)
                    .annotate(first=Min(field)).values_list(lookup, "first"))

    return dates


def data_dates(item, unit_ids):
    """``{unit id: date}``: the earliest date the areas' records give for ``item`` (their checks
    with ``dates``), per unit."""
    found = {}
    for _area, check in areas.rollout_checks():
        if check.item != item or check.dates is None:
            continue
        for unit_id, day in check.dates(unit_ids).items():
            if day is not None and (unit_id not in found or day < found[unit_id]):
                found[unit_id] = day
    return found


# ---- the core's own checks: who holds which role -------------------------------------------------
def _holding(role_code):
    """The units among ``unit_ids`` where someone holds ``role_code`` today, on the unit itself or on
    a unit above it with its sub-units: one query for the units' paths, one for the assignments."""

    def units(unit_ids):
        paths = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "path"))
        held = RoleAssignment.objects.current().filter(role__code=role_code, user__is_active=True)
        rows = set(held.values_list("unit__path", "include_subunits"))
        direct = {path for path, _subunits in rows}
        below = {path for path, subunits in rows if subunits}
        return {pk for pk, path in paths.items()
                if path in direct or any(p in below for p in ancestor_paths(path)[:-1])}

    return units


CORE_CHECKS = [
    areas.RolloutCheck("management_representative", _holding("management_representative"),
                       _("a management representative holds the role here")),
    areas.RolloutCheck("internal_auditors", _holding("internal_auditor"),
                       _("an internal auditor holds the role here")),
]


def checks():
    """``{item code: [RolloutCheck]}``: the core's and the areas'. Several may tick one item (a
    certificate, or an announcement of conformity): any of them does."""
    found = {}
    for check in [*CORE_CHECKS, *(check for _area, check in areas.rollout_checks())]:
        found.setdefault(check.item, []).append(check)
    return found


@dataclass
class ItemState:
    item: Item
    by_data: bool = False  # the portal's records show it done
    checked: bool = False  # an area (or the core) checks it from the records
    tick: object = None  # the hand tick (RolloutTick), if any
    evidence: object = ""

    @property
    def done(self):
        return self.by_data or self.tick is not None


def states(unit_ids, phases=None):
    """``{unit id: {item code: ItemState}}`` for the items of ``phases`` (all by default): one query
    for the hand ticks, one (or two) per data check, whatever the number of units."""
    from .models import RolloutTick

    unit_ids = list(unit_ids)
    items = [item for item in ITEMS if phases is None or item.phase in phases]
    registered = checks()
    found = {pk: {item.code: ItemState(item) for item in items} for pk in unit_ids}
    if not unit_ids:
        return found
    codes = [item.code for item in items]
    ticks = RolloutTick.objects.filter(unit_id__in=unit_ids, item__in=codes, withdrawn_at=None).select_related(
        "ticked_by")
    for tick in ticks:
        found[tick.unit_id][tick.item].tick = tick
    for code in codes:
        for check in registered.get(code, []):
            done = check.units(unit_ids)
            for pk in unit_ids:
                state = found[pk][code]
                state.checked = True
                if pk in done and not state.by_data:
                    state.by_data, state.evidence = True, check.evidence
    return found
