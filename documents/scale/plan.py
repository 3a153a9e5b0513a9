"""Stage 1 of the benchmark's document data: who works where, and a plan for every document (its
unit, type, number, language, topic, revisions and fate). Nothing is written here but the legal
register and the reference data (types, clauses, trigram indexes)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as dtime

from django.utils import timezone

from qms_portal.models import Role, Unit, User, nfc
from qms_portal.permissions import ancestor_paths

from ..models import Clause, Document, Revision
from ..services.register import ensure_clauses, ensure_system_types
from ..services.revisions import WORKFLOW
from .legal import ensure_trigram_indexes, legal_documents
from .text import _VI_TOPICS, _ZH_TOPICS, _bank

S = Revision.Status

# The bench searches these (register ``?q=``): each is part of two topics out of ~38, so it finds a
# few percent of the documents in that language, by title and by content.
SEARCH_VI = "hộ tịch"
SEARCH_ZH = "档案管理"

OWNER_KINDS = (Unit.Kind.AGENCY, Unit.Kind.OFFICE, Unit.Kind.WARD)
OWNER_WEIGHT = {Unit.Kind.AGENCY: 5}  # others 1
TYPE_MIX = [("QT", 45), ("BM", 28), ("HD", 14), ("TL", 13)]  # after the unit's manual, policy, objectives
MANDATORY_PROCEDURES = 6
WITHDRAWN_SHARE = 0.02
PENDING_SHARE = 0.03  # new documents with only a draft (among those with one revision)
OPEN_DRAFT_SHARE = 0.10  # documents with an effective revision and a draft after it
ACKNOWLEDGED_SHARE = 0.70
CLAUSE_SHARE = 0.6
LEGAL_SHARE = 0.4
SHOWCASE_REVISIONS = 4

# The statuses a revision is left in, as the revision workflow's transitions leave it: an older
# revision was superseded when the next one was published, the newest is effective (or obsolete
# once its document was withdrawn), a revision being written is a draft.
EFFECTIVE = WORKFLOW.get("publish").target
SUPERSEDED = WORKFLOW.get("supersede").target
WITHDRAWN = WORKFLOW.get("withdraw").target


def aware(day, hour=9):
    return timezone.make_aware(datetime.combine(day, dtime(hour, 0)))


@dataclass
class Setting:
    """Who and where: what every later stage reads."""

    root: Unit
    rng: object
    now: datetime
    history: dict
    types: dict = field(default_factory=dict)
    units: list = field(default_factory=list)
    people: list = field(default_factory=list)  # (pk, primary unit pk, full name)
    name_of: dict = field(default_factory=dict)
    members: dict = field(default_factory=dict)  # unit pk → people pks working there
    subtree: dict = field(default_factory=dict)  # unit pk → indices in ``people`` working there or below
    everyone: list = field(default_factory=list)
    owners: list = field(default_factory=list)
    roles: dict = field(default_factory=dict)
    clauses: list = field(default_factory=list)
    legal: list = field(default_factory=list)
    legal_count: int = 0
    trigram: list = field(default_factory=list)

    @property
    def today(self):
        return timezone.localdate(self.now)


def prepare(*, root, rng, acting_user, documents, legal_count=None):
    """The setting of the data under ``root``, and the legal register and reference data it needs."""
    now = timezone.now()
    acting = acting_user or User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    s = Setting(root=root, rng=rng, now=now, history={"default_user": acting, "default_date": now})
    s.types = ensure_system_types()
    ensure_clauses()
    s.trigram = ensure_trigram_indexes()
    s.units = list(Unit.objects.filter(path__startswith=root.path, is_active=True).order_by("path")
                   .only("pk", "code", "name", "kind", "path", "depth"))
    by_path = {u.path: u for u in s.units}
    s.people = list(User.objects.filter(is_active=True, primary_unit__path__startswith=root.path)
                    .order_by("pk").values_list("pk", "primary_unit_id", "full_name"))
    if not s.people:
        raise ValueError(f"Nobody works under {root.code}: build the people first.")
    unit_of = {u.pk: u for u in s.units}
    s.name_of = {pk: full_name for pk, _unit, full_name in s.people}
    for index, (pk, unit_id, _name) in enumerate(s.people):
        s.members.setdefault(unit_id, []).append(pk)
        unit = unit_of.get(unit_id)
        for path in ancestor_paths(unit.path) if unit else []:
            if path in by_path:
                s.subtree.setdefault(by_path[path].pk, []).append(index)
    s.everyone = list(range(len(s.people)))
    s.owners = [u for u in s.units if u.kind in OWNER_KINDS] or s.units
    s.roles = {r.code: r for r in Role.objects.filter(code__in=["staff", "department_head", "document_controller"])}
    s.clauses = list(Clause.objects.all())
    count = legal_count if legal_count is not None else min(200, max(10, documents // 50))
    s.legal, s.legal_count = legal_documents(count, rng, s.history)
    return s


def plan_documents(s, *, documents, revisions):
    """One plan (a dict) per document, in creation order; the showcase's plan; the last number
    given per (unit pk, type code); how many documents each owner got."""
    rng = s.rng
    per_unit = _spread(documents, [OWNER_WEIGHT.get(u.kind, 1) for u in s.owners], rng)
    counters = {}
    plans = []
    type_codes, type_weights = zip(*TYPE_MIX, strict=True)
    for unit, count in zip(s.owners, per_unit, strict=True):
        procedures = 0
        for n in range(count):
            code = ["STCL", "CS", "MT"][n] if n < 3 else rng.choices(type_codes, type_weights)[0]
            number = counters.get((unit.pk, code), 0) + 1
            counters[(unit.pk, code)] = number
            language = "zh" if rng.random() < 0.35 else "vi"
            topic = rng.choice(_ZH_TOPICS if language == "zh" else _VI_TOPICS)
            category = ""
            if code == "QT":
                procedures += 1
                category = (Document.Category.MANDATORY if procedures <= MANDATORY_PROCEDURES else
                            rng.choice([Document.Category.OPERATIONAL] * 4 + [Document.Category.SUPPORT]))
            plans.append({"i": len(plans), "unit": unit, "type": code, "number": number, "language": language,
                          "topic": topic, "category": category, "revisions": 1})
    # Revisions: one each, the rest spread at random (a Poisson-like spread around the mean).
    for _ in range(revisions - documents):
        plans[rng.randrange(len(plans))]["revisions"] += 1
    showcase = _choose_showcase(plans, rng, revisions - documents)
    _searchable(plans, showcase, rng)
    _fates(plans, showcase, documents, rng)
    year = s.today.year
    for p in plans:
        unit = p["unit"]
        bank = _bank(p["language"])
        title = rng.choice(bank["titles"][p["type"]]).format(topic=p["topic"], year=year)
        if p["type"] in ("STCL", "CS") and p["language"] == "vi":
            title += f" của {unit.name}"
        p["title"] = nfc(title)
        p["code"] = f"{unit.code}-{p['type']}-{p['number']:02d}"
        p["staff"] = s.members.get(unit.pk) or [s.people[i][0] for i in (s.subtree.get(unit.pk) or s.everyone[:50])]
        p["meta"] = revision_plan(p, s.today, s.now, rng)
    return plans, showcase, counters, per_unit


def _choose_showcase(plans, rng, spare_revisions):
    """An agency's procedure with about five revisions (at least four), in Vietnamese."""
    candidates = [p for p in plans if p["type"] == "QT"] or plans
    agencies = [p for p in candidates if p["unit"].kind == Unit.Kind.AGENCY] or candidates
    showcase = min(agencies, key=lambda p: (abs(p["revisions"] - SHOWCASE_REVISIONS - 1), p["i"]))
    if showcase["language"] != "vi":
        showcase["language"], showcase["topic"] = "vi", rng.choice(_VI_TOPICS)
    while showcase["revisions"] < min(SHOWCASE_REVISIONS, spare_revisions + 1):
        donor = next((p for p in plans if p is not showcase and p["revisions"] > 1), None)
        if donor is None:
            break
        donor["revisions"] -= 1
        showcase["revisions"] += 1
    return showcase


def _searchable(plans, showcase, rng):
    """Both search terms of the bench find something, however few the documents."""
    for language, term, topics in (("vi", SEARCH_VI, _VI_TOPICS), ("zh", SEARCH_ZH, _ZH_TOPICS)):
        if not any(p["language"] == language and term in p["topic"] for p in plans):
            spare = [p for p in plans if p is not showcase and p["type"] not in ("STCL", "CS", "MT")] or \
                [p for p in plans if p is not showcase] or plans
            chosen = spare[rng.randrange(len(spare))]
            chosen["language"], chosen["topic"] = language, rng.choice([t for t in topics if term in t])


def _fates(plans, showcase, documents, rng):
    """Withdrawn, pending (a new document with only its draft), open draft, or effective."""
    others = [p for p in plans if p is not showcase]
    rng.shuffle(others)
    withdrawn = max(1, round(WITHDRAWN_SHARE * documents)) if documents >= 10 else 0
    for p in plans:
        p["fate"] = "effective"
    for p in others[:withdrawn]:
        p["fate"] = "withdrawn"
    singles = [p for p in others[withdrawn:] if p["revisions"] == 1]
    for p in singles[:round(PENDING_SHARE * documents)]:
        p["fate"] = "pending"
    multiples = [p for p in others[withdrawn:] if p["revisions"] > 1]
    for p in multiples[:round(OPEN_DRAFT_SHARE * documents)]:
        p["fate"] = "draft"


def revision_plan(p, today, now, rng):
    """(status, effective date, created) of each revision of a planned document, oldest first."""
    n, fate = p["revisions"], p["fate"]
    # The newest effective revision took effect some time in the last two and a half years; each
    # older one four to eighteen months before the next.
    effective_count = n - 1 if fate == "draft" else (0 if fate == "pending" else n)
    dates, day = [], today - timedelta(days=rng.randint(5, 900))
    for _ in range(effective_count):
        dates.append(day)
        day -= timedelta(days=rng.randint(120, 540))
    dates.reverse()
    meta = []
    for k, day in enumerate(dates, start=1):
        status = SUPERSEDED
        if k == len(dates):
            status = WITHDRAWN if fate == "withdrawn" else EFFECTIVE
        meta.append((status, day, aware(day - timedelta(days=rng.randint(10, 60)))))
    if fate in ("draft", "pending"):
        meta.append((S.DRAFT, None, now - timedelta(days=rng.randint(1, 45), hours=rng.randint(0, 23))))
    return meta


def _spread(total, weights, rng):
    """``total`` split over ``weights`` (integers, largest remainders), then shuffled a little."""
    whole = sum(weights)
    shares = [total * w / whole for w in weights]
    counts = [int(s) for s in shares]
    rest = total - sum(counts)
    order = sorted(range(len(weights)), key=lambda i: (shares[i] - counts[i], rng.random()), reverse=True)
    for i in order[:rest]:
        counts[i] += 1
    return counts

