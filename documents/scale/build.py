"""Stages 2–6 of the benchmark's document data (see the package docstring): documents, revisions,
current revisions, steps, clauses, legal basis, signatures and acknowledgements, in bulk."""

import random
import time
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from simple_history.utils import bulk_create_with_history

from qms_portal.history import record_current_sets
from qms_portal.models import NumberSequence, TransitionRecord, User
from qms_portal.workflow import transition_record

from ..models import Acknowledgement, Distribution, Document, ProcedureStep, Revision
from ..services.content import search_text_of
from ..services.register import numbering_kind
from ..services.revisions import WORKFLOW, publication_fields
from .acks import acknowledgements as plan_acknowledgements
from .announcements import insert_announcements
from .plan import CLAUSE_SHARE, LEGAL_SHARE, S, aware, plan_documents, prepare
from .text import SHOWCASE_SECTIONS, _bank, _html, _long_blocks, _mutate, _paragraphs

# The transitions a current revision went through before it was published, whose records (with
# the reviewer's and approver's signatures) the benchmark's data carries.
SIGNED_PATH = ("submit", "accept", "approve")


@transaction.atomic
def build_documents(*, root, documents=10000, revisions=40000, acknowledgements=100000, rng=None, acting_user=None,
                    legal_documents=None, showcase_sections=SHOWCASE_SECTIONS, due_acknowledgements=None):
    """Fill the documents area under ``root`` (see the package docstring). Returns a summary with the
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

    def stage(name, function, *args, **kwargs):
        tick = time.perf_counter()
        result = function(*args, **kwargs)
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - tick
        return result

    s = stage("setup", prepare, root=root, rng=rng, acting_user=acting_user, documents=documents,
              legal_count=legal_documents)
    plans, showcase, counters, per_unit = stage("setup", plan_documents, s, documents=documents, revisions=revisions)
    docs = stage("documents", insert_documents, s, plans)
    rows = stage("revisions", insert_revisions, s, plans, showcase, showcase_sections)
    stage("current revisions", set_current_revisions, s, plans, docs, counters)
    steps = stage("steps, clauses, legal basis, signatures", insert_steps, s, plans, showcase)
    stage("steps, clauses, legal basis, signatures", link_clauses, s, plans, showcase)
    stage("steps, clauses, legal basis, signatures", cite_legal_basis, s, plans, showcase)
    stage("steps, clauses, legal basis, signatures", sign_current_revisions, s, plans)
    acks = stage("acknowledgements", insert_acknowledgements, s, plans, showcase, acknowledgements,
                 due=due_acknowledgements)

    announcements = stage("announcements", insert_announcements, s)

    summary.update({
        "announcements": announcements,
        "documents": len(docs), "revisions": len(rows), "acknowledgements": len(acks), "steps": len(steps),
        "legal_documents": s.legal_count,
        "withdrawn": sum(p["fate"] == "withdrawn" for p in plans),
        "open_drafts": sum(p["fate"] == "draft" for p in plans),
        "pending": sum(p["fate"] == "pending" for p in plans),
        "owners": sum(1 for c in per_unit if c), "trigram_indexes": s.trigram,
        "showcase": showcase["document"], "showcase_revision": showcase["current"],
        "seconds": time.perf_counter() - started,
    })
    return summary


def insert_documents(s, plans):
    """The documents (plain ``bulk_create``: their history row is written once their current
    revision is known)."""
    docs = []
    for p in plans:
        doc_type = s.types[p["type"]]
        created = p["meta"][0][2]
        document = Document(
            unit_id=p["unit"].pk, code=p["code"], title=p["title"], doc_type=doc_type, category=p["category"],
            process_owner_id=p["staff"][0], review_months=doc_type.default_review_months,
            legal_time_limit_days=s.rng.choice([5, 7, 10, 15, 20, 30]) if p["type"] == "QT" else None,
            created_at=created,
        )
        document.normalise_text()  # NFC and the search key, as save() does (bulk_create does not)
        document._history_date = created
        p["document"] = document
        docs.append(document)
    return Document.objects.bulk_create(docs, batch_size=500)


def insert_revisions(s, plans, showcase, showcase_sections):
    """Every planned revision, oldest first, its text changing a little from one to the next."""
    rng = s.rng
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
                search_text=search_text_of(p["code"], p["title"], content), effective_date=effective_date,
                created_at=created,
            )
            revision._history_date = created
            if author not in stubs:
                stubs[author] = User(pk=author)
            revision._history_user = stubs[author]
            rows.append(revision)
            p["rows"].append(revision)
    return bulk_create_with_history(rows, Revision, batch_size=250, **s.history)


def set_current_revisions(s, plans, docs, counters):
    """Each document's current revision and the fields publication sets with it
    (``publication_fields``), then the documents' history rows and the numbering counters."""
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
            for name, value in publication_fields(document, current).items():
                setattr(document, name, value)
            document.is_withdrawn = p["fate"] == "withdrawn"
    _write_current(docs)
    Document.history.bulk_history_create(docs, batch_size=500, **s.history)
    NumberSequence.objects.bulk_create(
        [NumberSequence(unit_id=unit_id, kind=numbering_kind(s.types[code]), year=None, last_number=last)
         for (unit_id, code), last in counters.items()], batch_size=500)


def _write_current(docs):
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


def insert_steps(s, plans, showcase):
    """Procedures' steps on the current revision and on an open draft (a draft starts as a copy of
    the steps, as ``revision_create_draft`` makes it)."""
    rng = s.rng
    forms = {}
    for p in plans:
        if p["type"] == "BM" and p["fate"] != "withdrawn":
            forms.setdefault(p["unit"].pk, []).append(p["document"].pk)
    steps = []
    for p in plans:
        if p["type"] != "QT":
            continue
        chosen = _pick_steps(_bank(p["language"])["steps"], rng)
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
                    responsible_role=s.roles.get("department_head") if order == 4 else None,
                    time_limit=limit, time_unit=unit_of_time, output=output,
                    output_form_id=unit_forms[0] if form_at == order - 1 else None,
                    created_at=revision.created_at,
                )
                step._history_date = revision.created_at
                steps.append(step)
    return bulk_create_with_history(steps, ProcedureStep, batch_size=500, **s.history)


def link_clauses(s, plans, showcase):
    through = Document.clauses.through
    links = []
    for p in plans:
        if s.clauses and (p is showcase or s.rng.random() < CLAUSE_SHARE):
            for clause in s.rng.sample(s.clauses, min(len(s.clauses), s.rng.randint(1, 3))):
                links.append(through(document_id=p["document"].pk, clause_id=clause.pk))
    through.objects.bulk_create(links, batch_size=1000)
    # The history rows written before keep this set too (the History tab compares sets).
    record_current_sets(Document, "clauses", [link.document_id for link in links])


def cite_legal_basis(s, plans, showcase):
    """Legal references on the current revision and an open draft (copied with the draft)."""
    refs = Revision.legal_refs.through
    cited = []
    for p in plans:
        if s.legal and p["current"] is not None and (p is showcase or s.rng.random() < LEGAL_SHARE):
            chosen = s.rng.sample(s.legal, min(len(s.legal), s.rng.randint(1, 3)))
            for revision in (r for r in (p["current"], p["open"]) if r is not None):
                cited += [refs(revision_id=revision.pk, legaldocument_id=x.pk) for x in chosen]
    refs.objects.bulk_create(cited, batch_size=1000)
    record_current_sets(Revision, "legal_refs", [ref.revision_id for ref in cited])


def sign_current_revisions(s, plans):
    """The records of the current revisions' way to approval (``SIGNED_PATH``), with the reviewer's
    and the approver's signatures: each built by the workflow engine's own record builder from the
    revision workflow's transition, so states and signature meanings are the engine's."""
    records = []
    revision_type = ContentType.objects.get_for_model(Revision)
    path = [WORKFLOW.get(name) for name in SIGNED_PATH]
    for p in plans:
        current = p["current"]
        if current is None:
            continue
        staff = p["staff"]
        reviewer = staff[1] if len(staff) > 1 else staff[0]
        approved_at = aware(current.effective_date) - timedelta(days=7)
        actors = {"submit": (current.author_id, approved_at - timedelta(days=3)),
                  "accept": (reviewer, approved_at - timedelta(days=1)),
                  "approve": (current.approver_id, approved_at)}
        state = S.DRAFT
        for t in path:
            actor, at = actors[t.name]
            records.append(transition_record(revision_type, current.pk, t, from_state=state, actor_id=actor,
                                             actor_name=s.name_of.get(actor, ""), at=at))
            state = t.target
    TransitionRecord.objects.bulk_create(records, batch_size=1000)


def insert_acknowledgements(s, plans, showcase, total, due=None):
    """The acknowledgements (``acks.py``); the showcase is distributed to the whole tree. ``due``:
    about how many stay unacknowledged (by default 30 %)."""
    acks = plan_acknowledgements(plans, showcase, total, s.people, s.subtree, s.everyone, s.rng, s.now, due=due)
    if showcase["current"] is not None:
        bulk_create_with_history([Distribution(document_id=showcase["document"].pk, unit_id=s.root.pk,
                                               created_at=showcase["current"].created_at)],
                                 Distribution, **s.history)
    return bulk_create_with_history(acks, Acknowledgement, batch_size=1000, **s.history)


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

