"""Province-sized document data for the benchmark (``manage.py seed_scale``).

``build_documents(root=…)`` fills the documents area under a unit tree made by
``qms_portal.bench.build_scale``, in bulk, in seconds:

* documents owned by the agencies, offices and wards under ``root`` (an agency keeps about five times
  as many as a ward), each with the default code ``{unit code}-{type code}-{number:02d}``, unique per
  unit, and a ``DocumentCounter`` row per (unit, type) at the highest number used — so the next
  ``allocate_code`` continues after them;
* about four revisions per document: older ones superseded, the newest effective (the document's
  ``current_revision``, ``effective_since`` and ``next_review_date`` set as publication sets them),
  some documents with an open draft after the effective revision, a few new documents with only a
  draft, ~2 % withdrawn (last revision obsolete, as ``withdraw`` leaves it);
* revision content: a few paragraphs of Vietnamese or Chinese procedure text built from a topic
  (so searching a topic word finds a few percent of the documents), ``search_text`` filled as
  ``services.content.refresh_search_text`` fills it;
* procedures (type QT) with 4–6 steps on the current revision (and on an open draft, copied as
  ``revision_create_draft`` copies them), ISO clauses and legal references for some, the review and
  approval signatures of the current revisions;
* acknowledgements spread over the effective revisions, each for someone working in the owning
  unit or below (unique per revision and person, ~70 % acknowledged), ``unit`` = their primary unit;
* one "showcase" procedure (an agency's, about five revisions, steps, long enough content for a ~20-page
  controlled copy, distributed to the whole province): the benchmark opens its page, compares its
  revisions and renders its PDF.

History-tracked rows (documents, revisions, steps, acknowledgements, legal documents, distribution)
get one "created" history row each, dated when the row was made. Nothing is sent: no service is
called, so nobody is notified.
"""

import importlib
import pkgutil
import random
import time
from datetime import datetime, timedelta
from datetime import time as dtime

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from qms_portal import fragments
from qms_portal.history import record_current_sets
from qms_portal.models import Role, TransitionRecord, Unit, User, nfc
from qms_portal.permissions import ancestor_paths

from .cached import REGISTER_GENERATION
from .models import (
    Acknowledgement,
    Clause,
    Distribution,
    Document,
    DocumentCounter,
    LegalDocument,
    ProcedureStep,
    Revision,
)
from .scale_text import (
    _LEGAL_KINDS,
    _VI_TOPICS,
    _ZH_TOPICS,
    SHOWCASE_SECTIONS,
    _bank,
    _html,
    _long_blocks,
    _mutate,
    _paragraphs,
)
from .services.content import plain_text, search_form
from .services.register import ensure_clauses, ensure_system_types

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

def _search_text(code, title, content):
    # As services.content.refresh_search_text (no source file here).
    return search_form(" ".join(part for part in (code, title, plain_text(content)) if part))[:200000]


def _aware(day, hour=9):
    return timezone.make_aware(datetime.combine(day, dtime(hour, 0)))


def _trigram_migration():
    """The migration module that creates the trigram indexes (found by its name's ending, whatever
    its number)."""
    from . import migrations

    name = next(m.name for m in pkgutil.iter_modules(migrations.__path__) if m.name.endswith("_trigram_search"))
    return importlib.import_module(f"{migrations.__name__}.{name}")


def ensure_trigram_indexes():
    """PostgreSQL: the trigram indexes of the documents' ``*_trigram_search`` migration (created
    there; made again here, idempotently, if someone dropped them). Returns their names."""
    if connection.vendor != "postgresql":
        return []
    migration = _trigram_migration()
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname = ANY(%s)",
                       [[name for name, _t, _c in migration.INDEXES]])
        present = {row[0] for row in cursor.fetchall()}
    if len(present) < len(migration.INDEXES):
        with connection.schema_editor() as editor:
            migration.create(None, editor)
    return [name for name, _t, _c in migration.INDEXES]


def analyze_models():
    """The models whose tables ``build_documents`` fills (for ANALYZE)."""
    tracked = [Document, Revision, ProcedureStep, Acknowledgement, LegalDocument, Distribution]
    return tracked + [m.history.model for m in tracked] + [
        DocumentCounter, Document.clauses.through, Revision.legal_refs.through, TransitionRecord,
    ]


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


def _legal_documents(count, rng, history):
    """About ``count`` legal documents (numbers already in the register are left alone)."""
    existing = set(LegalDocument.objects.values_list("number", flat=True))
    rows, numbers = [], set(existing)
    topics = _VI_TOPICS
    attempts = 0
    while len(rows) < count and attempts < count * 20:
        attempts += 1
        suffix, issuer, pattern = rng.choice(_LEGAL_KINDS)
        year = rng.randint(2008, 2025)
        number = f"{rng.randint(1, 180)}/{year}/{suffix}" if suffix != "QH14" else f"{rng.randint(1, 99)}/{year}/QH14"
        if number in numbers:
            continue
        numbers.add(number)
        issued = datetime(year, rng.randint(1, 12), rng.randint(1, 28)).date()
        rows.append(LegalDocument(number=number, title=nfc(pattern.format(topic=rng.choice(topics))),
                                  issuer=nfc(issuer), issue_date=issued,
                                  effective_date=issued + timedelta(days=rng.choice([0, 15, 45, 60])),
                                  created_at=history["default_date"]))
    # Newest first: a few older ones were replaced by a newer one, some amended or repealed.
    rows.sort(key=lambda r: r.issue_date, reverse=True)
    keep, replaced = [], []
    for i, row in enumerate(rows):
        roll = rng.random()
        if i >= 5 and roll < 0.06:
            row.status = LegalDocument.Status.REPLACED
            replaced.append((row, rng.randrange(0, max(1, i // 2))))
        else:
            if roll < 0.14:
                row.status = LegalDocument.Status.AMENDED
            elif roll < 0.16:
                row.status = LegalDocument.Status.REPEALED
            keep.append(row)
    keep = bulk_create_with_history(keep, LegalDocument, batch_size=500, **history)
    for row, index in replaced:
        row.replaced_by = keep[min(index, len(keep) - 1)]
    replaced = bulk_create_with_history([r for r, _i in replaced], LegalDocument, batch_size=500, **history)
    return list(LegalDocument.objects.exclude(number__in=existing).filter(
        status__in=[LegalDocument.Status.IN_FORCE, LegalDocument.Status.AMENDED])), len(keep) + len(replaced)


@transaction.atomic
def build_documents(*, root, documents=10000, revisions=40000, acknowledgements=100000, rng=None, acting_user=None,
                    legal_documents=None, showcase_sections=SHOWCASE_SECTIONS):
    """Fill the documents area under ``root`` (see the module docstring). Returns a summary with the
    counts, the showcase document and revision, and the time taken per stage."""
    started = time.perf_counter()
    rng = rng or random.Random(2026)
    summary = {"documents": 0, "revisions": 0, "acknowledgements": 0, "steps": 0, "legal_documents": 0,
               "showcase": None, "timings": {}}
    if documents <= 0:
        return summary | {"seconds": 0.0}
    if revisions < documents:
        raise ValueError("Every document has at least one revision: revisions must be at least documents.")
    timings = summary["timings"]
    now = timezone.now()
    today = timezone.localdate()
    acting = acting_user or User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    history = {"default_user": acting, "default_date": now}

    # --- Who and where ------------------------------------------------------------------------
    tick = time.perf_counter()
    types = ensure_system_types()
    ensure_clauses()
    trigram = ensure_trigram_indexes()
    units = list(Unit.objects.filter(path__startswith=root.path, is_active=True).order_by("path")
                 .only("pk", "code", "name", "kind", "path", "depth"))
    by_path = {u.path: u for u in units}
    people = list(User.objects.filter(is_active=True, primary_unit__path__startswith=root.path)
                  .order_by("pk").values_list("pk", "primary_unit_id", "full_name"))
    if not people:
        raise ValueError(f"Nobody works under {root.code}: build the people first.")
    unit_of = {u.pk: u for u in units}
    name_of = {pk: full_name for pk, _unit, full_name in people}
    members, subtree = {}, {}
    for index, (pk, unit_id, _name) in enumerate(people):
        members.setdefault(unit_id, []).append(pk)
        unit = unit_of.get(unit_id)
        for path in ancestor_paths(unit.path) if unit else []:
            if path in by_path:
                subtree.setdefault(by_path[path].pk, []).append(index)
    everyone = list(range(len(people)))
    owners = [u for u in units if u.kind in OWNER_KINDS] or units
    roles = {r.code: r for r in Role.objects.filter(code__in=["staff", "department_head", "document_controller"])}
    clauses = list(Clause.objects.all())
    legal_count = legal_documents if legal_documents is not None else min(200, max(10, documents // 50))
    legal, summary["legal_documents"] = _legal_documents(legal_count, rng, history)
    timings["setup"] = time.perf_counter() - tick

    # --- Documents --------------------------------------------------------------------------
    tick = time.perf_counter()
    per_unit = _spread(documents, [OWNER_WEIGHT.get(u.kind, 1) for u in owners], rng)
    counters = {}  # (unit pk, type code) → last number
    plans = []  # one dict per document, in creation order
    type_codes, type_weights = zip(*TYPE_MIX, strict=True)
    for unit, count in zip(owners, per_unit, strict=True):
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
    # The showcase: an agency's procedure with about five revisions (at least four).
    candidates = [p for p in plans if p["type"] == "QT"] or plans
    agencies = [p for p in candidates if p["unit"].kind == Unit.Kind.AGENCY] or candidates
    showcase = min(agencies, key=lambda p: (abs(p["revisions"] - SHOWCASE_REVISIONS - 1), p["i"]))
    if showcase["language"] != "vi":
        showcase["language"], showcase["topic"] = "vi", rng.choice(_VI_TOPICS)
    while showcase["revisions"] < min(SHOWCASE_REVISIONS, revisions - documents + 1):
        donor = next((p for p in plans if p is not showcase and p["revisions"] > 1), None)
        if donor is None:
            break
        donor["revisions"] -= 1
        showcase["revisions"] += 1
    # Both search terms of the bench find something, however few the documents.
    for language, term, topics in (("vi", SEARCH_VI, _VI_TOPICS), ("zh", SEARCH_ZH, _ZH_TOPICS)):
        if not any(p["language"] == language and term in p["topic"] for p in plans):
            spare = [p for p in plans if p is not showcase and p["type"] not in ("STCL", "CS", "MT")] or \
                [p for p in plans if p is not showcase] or plans
            chosen = spare[rng.randrange(len(spare))]
            chosen["language"], chosen["topic"] = language, rng.choice([t for t in topics if term in t])
    # Fates: withdrawn, pending (a new document with only its draft), open draft, or effective.
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

    year = today.year
    docs = []
    for p in plans:
        unit = p["unit"]
        bank = _bank(p["language"])
        title = rng.choice(bank["titles"][p["type"]]).format(topic=p["topic"], year=year)
        if p["type"] in ("STCL", "CS") and p["language"] == "vi":
            title += f" của {unit.name}"
        p["title"] = nfc(title)
        p["code"] = f"{unit.code}-{p['type']}-{p['number']:02d}"
        p["staff"] = members.get(unit.pk) or [people[i][0] for i in (subtree.get(unit.pk) or everyone[:50])]
        p["meta"] = _revision_plan(p, today, now, rng)
        doc_type = types[p["type"]]
        created = p["meta"][0][2]
        document = Document(
            unit_id=unit.pk, code=p["code"], title=p["title"], doc_type=doc_type, category=p["category"],
            process_owner_id=p["staff"][0], review_months=doc_type.default_review_months,
            legal_time_limit_days=rng.choice([5, 7, 10, 15, 20, 30]) if p["type"] == "QT" else None,
            created_at=created,
        )
        document.normalise_text()  # NFC and the search key, as save() does (bulk_create does not)
        document._history_date = created
        p["document"] = document
        docs.append(document)
    # Plain bulk_create: the history row is written once the current revision is known (below).
    docs = Document.objects.bulk_create(docs, batch_size=500)
    timings["documents"] = time.perf_counter() - tick

    # --- Revisions ----------------------------------------------------------------------------
    tick = time.perf_counter()
    rows = []
    stubs = {}  # author pk → a User with that pk only (the history row's user)
    for p in plans:
        ctx = {"topic": p["topic"], "unit": p["unit"].name if p["language"] == "vi" else "本单位",
               "days": rng.choice([3, 5, 7, 10, 15]), "years": rng.choice([5, 10, 20])}
        bank = _bank(p["language"])
        if p is showcase:
            blocks = _long_blocks(p["language"], ctx, rng, showcase_sections)
        else:
            blocks = _paragraphs(p["language"], ctx, rng)
        staff = p["staff"]
        p["rows"] = []
        for k, (status, effective_date, created) in enumerate(p["meta"], start=1):
            if k > 1:
                blocks = _mutate(blocks, p["language"], ctx, rng)
            content = _html(blocks)
            author = staff[rng.randrange(len(staff))]
            approver = None
            if status != S.DRAFT:
                approver = staff[0] if staff[0] != author or len(staff) == 1 else staff[-1]
            revision = Revision(
                document_id=p["document"].pk, number=k, status=status, author_id=author, approver_id=approver,
                reason=rng.choice(bank["reasons"]) if k > 1 else "", content=content,
                search_text=_search_text(p["code"], p["title"], content), effective_date=effective_date,
                created_at=created,
            )
            revision._history_date = created
            if author not in stubs:
                stubs[author] = User(pk=author)
            revision._history_user = stubs[author]
            rows.append(revision)
            p["rows"].append(revision)
    rows = bulk_create_with_history(rows, Revision, batch_size=250, **history)
    timings["revisions"] = time.perf_counter() - tick

    # --- The documents' current revision, then their history ----------------------------------
    tick = time.perf_counter()
    for p in plans:
        document = p["document"]
        current = None
        if p["fate"] in ("effective", "withdrawn"):
            current = p["rows"][-1]
        elif p["fate"] == "draft":
            current = p["rows"][-2]
        p["current"] = current
        p["open"] = p["rows"][-1] if p["rows"][-1].status == S.DRAFT else None
        if current is not None:
            document.current_revision_id = current.pk
            document.effective_since = current.effective_date
            document.next_review_date = _months_after(current.effective_date, document.review_months)
            document.is_withdrawn = p["fate"] == "withdrawn"
    _set_current(docs)
    Document.history.bulk_history_create(docs, batch_size=500, **history)
    DocumentCounter.objects.bulk_create(
        [DocumentCounter(unit_id=unit_id, doc_type=types[code], last_number=last)
         for (unit_id, code), last in counters.items()], batch_size=500)
    timings["current revisions"] = time.perf_counter() - tick

    # --- Steps, clauses, legal basis, signatures ------------------------------------------------
    tick = time.perf_counter()
    forms = {}
    for p in plans:
        if p["type"] == "BM" and p["fate"] != "withdrawn":
            forms.setdefault(p["unit"].pk, []).append(p["document"].pk)
    steps = []
    for p in plans:
        if p["type"] != "QT":
            continue
        bank = _bank(p["language"])
        chosen = _pick_steps(bank["steps"], rng)
        # The current revision and an open draft (a draft starts as a copy of the steps).
        targets = [(r, chosen) for r in (p["current"], p["open"]) if r is not None]
        if p is showcase and p["current"] is not None and p["rows"].index(p["current"]) > 0:
            # Its previous revision had one step fewer: the compare page shows a change in the steps.
            previous = p["rows"][p["rows"].index(p["current"]) - 1]
            targets.append((previous, chosen[:2] + chosen[3:]))
        unit_forms = forms.get(p["unit"].pk, [])
        form_at = rng.randrange(len(chosen)) if unit_forms else None
        for revision, plan in targets:
            for order, (title, position, output, limit, unit_of_time) in enumerate(plan, start=1):
                step = ProcedureStep(
                    revision_id=revision.pk, order=order, title=title, responsible_position=position,
                    responsible_unit_id=p["unit"].pk if order in (3, 4) else None,
                    responsible_role=roles.get("department_head") if order == 4 else None,
                    time_limit=limit, time_unit=unit_of_time, output=output,
                    output_form_id=unit_forms[0] if form_at == order - 1 else None,
                    created_at=revision.created_at,
                )
                step._history_date = revision.created_at
                steps.append(step)
    steps = bulk_create_with_history(steps, ProcedureStep, batch_size=500, **history)
    summary["steps"] = len(steps)

    through = Document.clauses.through
    links = []
    for p in plans:
        if clauses and (p is showcase or rng.random() < CLAUSE_SHARE):
            for clause in rng.sample(clauses, min(len(clauses), rng.randint(1, 3))):
                links.append(through(document_id=p["document"].pk, clause_id=clause.pk))
    through.objects.bulk_create(links, batch_size=1000)
    refs = Revision.legal_refs.through
    cited = []
    for p in plans:
        if legal and p["current"] is not None and (p is showcase or rng.random() < LEGAL_SHARE):
            chosen_legal = rng.sample(legal, min(len(legal), rng.randint(1, 3)))
            for revision in (r for r in (p["current"], p["open"]) if r is not None):
                cited += [refs(revision_id=revision.pk, legaldocument_id=x.pk) for x in chosen_legal]
    refs.objects.bulk_create(cited, batch_size=1000)
    # The history rows written above keep these sets too (the History tab compares sets).
    record_current_sets(Document, "clauses", [link.document_id for link in links])
    record_current_sets(Revision, "legal_refs", [ref.revision_id for ref in cited])
    records = []
    revision_type = ContentType.objects.get_for_model(Revision)
    for p in plans:
        current = p["current"]
        if current is None:
            continue
        staff = p["staff"]
        reviewer = staff[1] if len(staff) > 1 else staff[0]
        at = _aware(current.effective_date) - timedelta(days=7)
        for transition, source, target, meaning, actor, when in (
            ("submit", S.DRAFT, S.IN_REVIEW, "", current.author_id, at - timedelta(days=3)),
            ("accept", S.IN_REVIEW, S.IN_REVIEW, TransitionRecord.Meaning.REVIEWED, reviewer, at - timedelta(days=1)),
            ("approve", S.IN_REVIEW, S.APPROVED, TransitionRecord.Meaning.APPROVED, current.approver_id, at),
        ):
            records.append(TransitionRecord(content_type=revision_type, object_id=current.pk, transition=transition,
                                            from_state=source, to_state=target, actor_id=actor, at=when,
                                            signature_meaning=meaning, actor_name=name_of.get(actor, "")))
    TransitionRecord.objects.bulk_create(records, batch_size=1000)
    timings["steps, clauses, legal basis, signatures"] = time.perf_counter() - tick

    # --- Acknowledgements ---------------------------------------------------------------------
    tick = time.perf_counter()
    acks = _acknowledgements(plans, showcase, acknowledgements, people, subtree, everyone, rng, now)
    if showcase["current"] is not None:
        bulk_create_with_history([Distribution(document_id=showcase["document"].pk, unit_id=root.pk,
                                               created_at=showcase["current"].created_at)],
                                 Distribution, **history)
    acks = bulk_create_with_history(acks, Acknowledgement, batch_size=1000, **history)
    timings["acknowledgements"] = time.perf_counter() - tick
    # Bulk inserts send no signals: a shared cache (Redis) would keep registers read before this.
    fragments.bump(REGISTER_GENERATION)

    summary.update({
        "documents": len(docs), "revisions": len(rows), "acknowledgements": len(acks),
        "withdrawn": sum(p["fate"] == "withdrawn" for p in plans),
        "open_drafts": sum(p["fate"] == "draft" for p in plans),
        "pending": sum(p["fate"] == "pending" for p in plans),
        "owners": sum(1 for c in per_unit if c), "trigram_indexes": trigram,
        "showcase": showcase["document"], "showcase_revision": showcase["current"],
        "seconds": time.perf_counter() - started,
    })
    return summary


def _revision_plan(p, today, now, rng):
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
        status = S.SUPERSEDED
        if k == len(dates):
            status = S.OBSOLETE if fate == "withdrawn" else S.EFFECTIVE
        meta.append((status, day, _aware(day - timedelta(days=rng.randint(10, 60)))))
    if fate in ("draft", "pending"):
        meta.append((S.DRAFT, None, now - timedelta(days=rng.randint(1, 45), hours=rng.randint(0, 23))))
    return meta


def _months_after(day, months):
    from dateutil.relativedelta import relativedelta

    return day + relativedelta(months=months) if day else None


def _set_current(docs):
    """Write each document's current revision and dates. One prepared UPDATE run for all rows
    (``executemany``): ``bulk_update`` builds a CASE per column over each batch and takes ten times
    as long at this size."""
    fields = [Document._meta.get_field(name) for name in
              ("current_revision", "effective_since", "next_review_date", "is_withdrawn")]
    quote = connection.ops.quote_name
    # Only quoted names from the model's own metadata go into the text; the values are parameters.
    sql = (f"UPDATE {quote(Document._meta.db_table)} SET "  # noqa: S608
           + ", ".join(f"{quote(f.column)} = %s" for f in fields)
           + f" WHERE {quote(Document._meta.pk.column)} = %s")
    rows = [[f.get_db_prep_save(getattr(d, f.attname), connection) for f in fields] + [d.pk]
            for d in docs if d.current_revision_id]
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def _pick_steps(bank_steps, rng):
    """4–6 steps: always receive first and return last, middle steps in their order."""
    count = rng.randint(4, 6)
    middle = sorted(rng.sample(range(1, len(bank_steps) - 1), count - 2))
    chosen = []
    for i in [0, *middle, len(bank_steps) - 1]:
        title, position, output = bank_steps[i]
        if i in (0, len(bank_steps) - 1):
            limit, unit_of_time = rng.choice([("4", "hours"), ("0.5", "days"), ("1", "days")])
        else:
            limit, unit_of_time = rng.choice([("1", "days"), ("2", "days"), ("3", "days"), ("5", "days"),
                                              ("8", "hours")])
        chosen.append((title, position, output, limit, unit_of_time))
    return chosen


def _acknowledgements(plans, showcase, total, people, subtree, everyone, rng, now):
    """``total`` rows over the effective revisions: the showcase's to the whole province (up to a
    quarter of ``total``), the others to people of the owning unit and below, in proportion to how
    many work there. Exactly ``total`` unless there are not that many (revision, person) pairs."""
    if total <= 0:
        return []
    effective = [p for p in plans if p["current"] is not None and p["current"].status == S.EFFECTIVE]
    if not effective:
        return []
    picks = {}  # plan index → list of people indices
    pools = {}
    if showcase in effective:
        share = min(len(everyone), max(1, total // 4))
        picks[id(showcase)] = rng.sample(everyone, share)
        pools[id(showcase)] = everyone
    rest = [p for p in effective if p is not showcase]
    remaining = total - sum(len(v) for v in picks.values())
    for p in rest:
        pools[id(p)] = subtree.get(p["unit"].pk) or everyone
    capacity = sum(len(pools[id(p)]) for p in rest)
    if rest and remaining > capacity:
        # Small trees: widen to the whole province (a document distributed more widely).
        for p in rest:
            pools[id(p)] = everyone
        capacity = len(everyone) * len(rest)
    if rest and remaining > 0:
        fraction = min(1.0, remaining / capacity)
        quotas = []
        for p in rest:
            exact = fraction * len(pools[id(p)])
            quota = int(exact) + (1 if rng.random() < exact - int(exact) else 0)
            quotas.append(min(quota, len(pools[id(p)])))
        gap = remaining - sum(quotas)
        order = list(range(len(rest)))
        while gap != 0:
            rng.shuffle(order)
            moved = False
            for i in order:
                if gap > 0 and quotas[i] < len(pools[id(rest[i])]):
                    quotas[i] += 1
                    gap -= 1
                    moved = True
                elif gap < 0 and quotas[i] > 0:
                    quotas[i] -= 1
                    gap += 1
                    moved = True
                if gap == 0:
                    break
            if not moved:
                break
        for p, quota in zip(rest, quotas, strict=True):
            if quota:
                picks[id(p)] = rng.sample(pools[id(p)], quota)
    rows = []
    by_id = {id(p): p for p in effective}
    for key, indices in picks.items():
        revision = by_id[key]["current"]
        assigned = max(_aware(revision.effective_date, 8), revision.created_at)
        span = max(1, int((now - assigned).total_seconds()))
        for index in indices:
            pk, unit_id, _name = people[index]
            done = None
            if rng.random() < ACKNOWLEDGED_SHARE:
                done = assigned + timedelta(seconds=rng.randint(3600, min(span, 60 * 86400)) if span > 3600 else 60)
            row = Acknowledgement(revision_id=revision.pk, user_id=pk, unit_id=unit_id, acknowledged_at=done,
                                  created_at=assigned)
            row._history_date = assigned
            rows.append(row)
    return rows


def showcase_revision(user=None):
    """The effective revision of a procedure (a document with steps) with the most acknowledgements
    among the documents ``user`` may see: the document page, compare page and controlled copy the
    benchmark measures. None when there is none."""
    documents = Document.objects.filter(is_withdrawn=False, current_revision__status=S.EFFECTIVE,
                                        doc_type__has_steps=True)
    if user is not None:
        documents = documents.restrict(user, "view")
    return (
        Revision.objects.filter(status=S.EFFECTIVE, pk__in=documents.values("current_revision_id"))
        .annotate(readers=Count("acknowledgements"))
        .order_by("-readers", "pk")
        .select_related("document")
        .first()
    )


def data_size():
    return {
        "documents": Document.objects.count(),
        "revisions": Revision.objects.count(),
        "acknowledgements": Acknowledgement.objects.count(),
    }


