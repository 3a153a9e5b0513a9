"""Reads of the rollout board: the units of the reader's subtree by phase, each with its current
phase's checklist, whether it is late against its plan and whether the reader may move it; and one
unit's rollout (plan, actual dates, checklist). A constant number of queries whatever the number of
units: the units with their rollouts (one), the units the reader may move (one), the hand ticks
(one) and each registered data check (one or two)."""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from ..models import Attachment, Unit
from . import rollout
from .models import ENDING, PHASES, Phase, RolloutTick, UnitRollout, late_against_plan
from .rollout_services import PERMISSION as MOVE_PERMISSION
from .selectors import scope

_ROLLOUT_COLUMNS = ("rollout__phase", "rollout__phase_since", *(f"rollout__planned_{code}" for code in ENDING))


@dataclass
class Card:
    id: int
    code: str
    name: str
    parent_name: str
    phase: str
    since: object
    planned_end: object
    late: bool
    may_move: bool
    done: int = 0
    items: int = 0


@dataclass
class Column:
    phase: str
    label: object
    cards: list = field(default_factory=list)


def board(user, root, *, late_only=False, today=None):
    """``[Column]`` for the units of ``root``'s subtree the reader may see on the dashboard."""
    today = today or timezone.localdate()
    rows = list(scope(user).filter(path__startswith=root.path).order_by("path").values(
        "pk", "code", "name", "parent__name", *_ROLLOUT_COLUMNS))
    movable = set(Unit.objects.restrict(user, MOVE_PERMISSION).filter(
        path__startswith=root.path).values_list("pk", flat=True))
    columns = {code: Column(code, Phase(code).label) for code in PHASES}
    cards = []
    for row in rows:
        phase = row["rollout__phase"] or Phase.PREPARATION
        planned_end = row.get(f"rollout__planned_{phase}")
        late = late_against_plan(phase, lambda code, row=row: row[f"rollout__planned_{code}"], today)
        if late_only and not late:
            continue
        card = Card(row["pk"], row["code"], row["name"], row["parent__name"] or "", phase,
                    row["rollout__phase_since"], planned_end, late, row["pk"] in movable)
        columns[phase].cards.append(card)
        cards.append(card)
    states = rollout.states([card.id for card in cards])
    for card in cards:
        found = [state for state in states[card.id].values() if state.item.phase == card.phase]
        card.items, card.done = len(found), sum(1 for state in found if state.done)
    return [columns[code] for code in PHASES]


@dataclass
class PhaseLine:
    phase: str
    label: object
    planned_start: object
    planned_end: object
    actual_start: object
    actual_end: object
    state: str  # "done", "current" or "ahead"
    late: bool
    items: list


def unit_rollout(unit, today=None):
    """``(rollout or an unsaved one, [PhaseLine])`` of one unit: its plan and actual dates per
    phase, and each phase's checklist."""
    today = today or timezone.localdate()
    found = UnitRollout.objects.filter(unit=unit).first() or UnitRollout(unit=unit, phase_since=None)
    states = rollout.states([unit.pk])[unit.pk]
    current = PHASES.index(found.phase)
    lines = []
    planned_from, actual_from = found.planned_start, found.started_on
    for index, code in enumerate(PHASES):
        planned_end, done = found.planned_end(code), found.done_on(code)
        state = "done" if index < current else ("current" if index == current else "ahead")
        actual_start = found.phase_since if state == "current" else (actual_from if state == "done" else None)
        late = planned_end is not None and (done or today) > planned_end and state != "ahead"
        lines.append(PhaseLine(code, Phase(code).label, planned_from, planned_end, actual_start,
                               done if state == "done" else None, state, late,
                               [states[item.code] for item in rollout.items_of(code)]))
        planned_from = planned_end or planned_from
        actual_from = done or actual_from
    _evidence([state for line in lines for state in line.items])
    return found, lines


def withdrawn_ticks(unit):
    """The unit's hand ticks that were withdrawn, newest first, each with ``label`` (the item's)."""
    ticks = list(RolloutTick.objects.filter(unit=unit, withdrawn_at__isnull=False)
                 .select_related("ticked_by", "withdrawn_by").order_by("-withdrawn_at", "-pk"))
    for tick in ticks:
        tick.label = rollout.item_label(tick.item)
    return ticks


def _evidence(states):
    """Each hand tick's evidence (``state.files``), for all the ticks in one query."""
    ticks = {state.tick.pk: state for state in states if state.tick is not None}
    for state in states:
        state.files = []
    if not ticks:
        return
    rows = Attachment.objects.filter(content_type=ContentType.objects.get_for_model(RolloutTick),
                                     object_id__in=list(ticks), withdrawn_at__isnull=True).order_by("created_at", "pk")
    for attachment in rows:
        ticks[attachment.object_id].files.append(attachment)
