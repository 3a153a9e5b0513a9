"""Stage 6 of the benchmark's document data: announcements of conformity (Vietnam), so that the
register (``documents/announcements.py``) is measured over every status it shows.

Of the units that own a document of the announcement's scope (levels 1–3), about 80 % announced:
most after their last such document took effect and their withdrawn ones left (current), the
others earlier (documents added or withdrawn since: scope changed, or late); a quarter of them had
an earlier announcement, superseded; about 5 % of all are preparing a draft. Each announced one
covers the documents effective on its decision date, with the revision effective then, frozen as
signing freezes them (``services.announcements._on_announce``), and carries the records of its
signature (and of its supersession) built by the workflow engine's own record builder.

Why bulk: signing through the service checks the signer's password (PBKDF2) once per announcement.
The rules are not written a second time: the statuses and signature meaning are the workflow's
transitions', the scope is ``announcements.SCOPE_LEVELS``.
"""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from simple_history.utils import bulk_create_with_history

from qms_portal.models import TransitionRecord
from qms_portal.workflow import transition_record

from ..announcements import SCOPE_LEVELS
from ..models import Announcement, AnnouncementItem, Document, Revision
from ..services.announcements import WORKFLOW, superseded_reason
from .plan import EFFECTIVE, SUPERSEDED, WITHDRAWN, aware

ANNOUNCED_SHARE = 0.8
UP_TO_DATE_SHARE = 0.7  # of the announced: after the last document of their scope took effect
SUPERSEDED_SHARE = 0.25  # of the announced: an earlier announcement they superseded
DRAFT_SHARE = 0.05
PUBLISHED = (EFFECTIVE, SUPERSEDED, WITHDRAWN)  # a withdrawn document was effective before


def _scope_of_units(s):
    """unit pk → [(first effective date, [(effective date, revision pk)…], document)] for the documents
    of the scope under ``s.root`` that were ever effective, withdrawn ones included."""
    documents = {d.pk: d for d in Document.objects.filter(unit__path__startswith=s.root.path, level__in=SCOPE_LEVELS,
                                                          current_revision__isnull=False)
                 .only("pk", "unit_id", "code", "title", "is_withdrawn")}
    revisions = {}
    for document_id, pk, day in (Revision.objects.filter(document_id__in=list(documents), status__in=PUBLISHED,
                                                         effective_date__isnull=False)
                                 .order_by("document_id", "effective_date", "pk")
                                 .values_list("document_id", "pk", "effective_date")):
        revisions.setdefault(document_id, []).append((day, pk))
    units = {}
    for document_id, dated in revisions.items():
        document = documents[document_id]
        units.setdefault(document.unit_id, []).append((dated[0][0], dated, document))
    return units


def _items(announcement, scope, up_to_date):
    """What ``announcement`` covers: the documents effective on its date, each with its revision then
    (an ``up_to_date`` one was made after the withdrawn documents left: it does not cover them)."""
    items = []
    for first, dated, document in scope:
        if first <= announcement.decision_date and not (up_to_date and document.is_withdrawn):
            revision = [pk for day, pk in dated if day <= announcement.decision_date][-1]
            items.append(AnnouncementItem(announcement=announcement, document=document, revision_id=revision,
                                          code=document.code, title=document.title))
    return items


def insert_announcements(s):
    """The announcements (see the module's docstring). Returns how many of each status."""
    rng, today = s.rng, s.today
    announce, supersede = WORKFLOW.get("announce"), WORKFLOW.get("supersede")
    scopes = _scope_of_units(s)
    made, up_to_date_ones = [], set()  # the positions in ``made`` of the up-to-date ones
    for unit in s.units:
        scope = scopes.get(unit.pk)
        if not scope:
            continue
        signer = (s.members.get(unit.pk) or [s.history["default_user"].pk])[0]
        number = rng.randint(10, 400)

        def new(status, day, n, unit=unit, signer=signer):
            return Announcement(unit_id=unit.pk, decision_number=f"{n}/QĐ-{unit.code}", decision_date=day,
                                scope=f"Hệ thống quản lý chất lượng theo TCVN ISO 9001:2015 của {unit.name}",
                                status=status, prepared_by_id=signer,
                                announced_at=None if status == Announcement.Status.DRAFT else aware(day),
                                created_at=aware(day) - timedelta(days=10))

        if rng.random() < ANNOUNCED_SHARE:
            first = min(f for f, _d, _doc in scope)
            last = max(f for f, _d, _doc in scope)
            up_to_date = rng.random() < UP_TO_DATE_SHARE
            if up_to_date:
                day = min(today - timedelta(days=1), last + timedelta(days=rng.randint(1, 60)))
            else:
                day = first + timedelta(days=rng.randint(0, max(0, (today - first).days - 1)))
            if rng.random() < SUPERSEDED_SHARE and (day - first).days > 30:
                earlier = first + timedelta(days=rng.randint(0, (day - first).days - 30))
                made.append(new(Announcement.Status.SUPERSEDED, earlier, number))
            made.append(new(Announcement.Status.ANNOUNCED, day, number + 1))
            up_to_date_ones.add(len(made) - 1)
        if rng.random() < DRAFT_SHARE:
            made.append(new(Announcement.Status.DRAFT, today, number + 2))
    made = bulk_create_with_history(made, Announcement, batch_size=500, **s.history)
    items, records = [], []
    content_type = ContentType.objects.get_for_model(Announcement)
    later = {}  # unit pk → the announcement that superseded an earlier one
    for announcement in made:
        if announcement.status == Announcement.Status.ANNOUNCED:
            later[announcement.unit_id] = announcement
    for position, announcement in enumerate(made):  # returned in the order given
        if announcement.status == Announcement.Status.DRAFT:
            continue
        items += _items(announcement, scopes[announcement.unit_id], position in up_to_date_ones)
        name = s.name_of.get(announcement.prepared_by_id, "")
        records.append(transition_record(content_type, announcement.pk, announce, from_state=Announcement.Status.DRAFT,
                                         actor_id=announcement.prepared_by_id, actor_name=name,
                                         at=announcement.announced_at))
        if announcement.status == Announcement.Status.SUPERSEDED:
            successor = later[announcement.unit_id]
            records.append(transition_record(
                content_type, announcement.pk, supersede, from_state=Announcement.Status.ANNOUNCED,
                actor_id=successor.prepared_by_id, actor_name=s.name_of.get(successor.prepared_by_id, ""),
                at=successor.announced_at,
                reason=superseded_reason(successor)))
    bulk_create_with_history(items, AnnouncementItem, batch_size=1000, **s.history)
    TransitionRecord.objects.bulk_create(records, batch_size=1000)
    counts = {status: sum(a.status == status for a in made) for status in Announcement.Status.values}
    return counts | {"items": len(items)}

