"""The announcement of conformity's reads and rules (Vietnam: công bố HTQLCL phù hợp với TCVN ISO 9001).

**Scope.** A unit's announcement covers its *effective documents of levels 1–3* (policy, objectives,
manual, procedures, work instructions; not forms nor external documents) that the unit itself owns:
``announcement_scope(unit)``. When it is signed, the documents and their effective revisions are
frozen in ``AnnouncementItem`` rows.

**Scope changed.** Since the unit's current (last signed) announcement, at least one document was
*added* (a scope document not among those it covers) or *withdrawn* (a covered document that is no
longer an effective scope document: withdrawn from the register). A new revision of a covered
document is not a change of scope. The change dates from the earliest of: the first effective date
of an added document, the day a covered document was withdrawn.

**Late** (``LATE_DAYS``, the setting ``QMS_ANNOUNCEMENT_LATE_DAYS``, 90 days by default):

* a unit that never announced, whose first document of its scope became effective more than
  ``LATE_DAYS`` days ago (and that still has an effective scope document), or
* a unit whose scope changed, the change dating from more than ``LATE_DAYS`` days ago, with no
  re-announcement since.

"Days ago" counts from today: a change ``LATE_DAYS`` days old exactly is not late yet. A covered
document that left the scope without a withdrawal on record (rows loaded in bulk without the
workflow) makes the scope "changed" without a date: changed, never late.

**The register** lists one row per unit in the reader's scope (``documents.view_announcement``) that
runs its own QMS or owns an effective scope document, with its status: ``current``, ``changed``,
``never`` or ``late``.

**How it is read** (``standings``): the units are one query; what each row says is read for the
units asked only (a page's 25, or the whole scope when the register is filtered by status), in two
to four grouped queries whatever their number: the current announcements; the scope documents
counted, with those the current announcement covers and the first effective date of those it does
not cover (never announced: when the scope's first document took effect; announced: when the first
document added since did); what it covers, counted; and, only where a covered document left the
scope, one for when covered documents were withdrawn. The status is
decided in Python (``Standing.decide``). An earlier design computed it all in one SQL query of
correlated subqueries; the ORM wrote it out 13,000 characters long and compiled it twice a page
(the page and its count): 72–91 ms a page at a province's size, most of it the compiling.
"""

from dataclasses import dataclass, fields
from datetime import date, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, DateField, Exists, Min, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qms_portal.models import TransitionRecord, Unit

from .models import Announcement, AnnouncementItem, Document, DocumentType, Revision

SCOPE_LEVELS = (DocumentType.Level.MANUAL, DocumentType.Level.PROCEDURE, DocumentType.Level.INSTRUCTION)


def late_days():
    """N of the "late" rule (see the module's docstring)."""
    return getattr(settings, "QMS_ANNOUNCEMENT_LATE_DAYS", 90)


STATUS_CHOICES = [
    ("current", _("Announced and current")),
    ("changed", _("Scope changed since")),
    ("never", _("Never announced")),
    ("late", _("Late")),
]
STATUS_LABELS = dict(STATUS_CHOICES)
STATUS_BADGES = {"current": "success", "changed": "warning", "never": "secondary", "late": "danger"}


def scope_documents():
    """Every effective scope document (of any unit)."""
    return Document.objects.filter(current_revision__isnull=False, is_withdrawn=False, level__in=SCOPE_LEVELS)


def announcement_scope(unit):
    """The documents an announcement of ``unit`` signed now would cover, with their effective revision."""
    return (scope_documents().filter(unit=unit).select_related("current_revision")
            .defer(*(f"current_revision__{name}" for name in Revision.BULKY)).order_by("code", "pk"))


def current_announcement(unit):
    return Announcement.objects.filter(unit=unit, status=Announcement.Status.ANNOUNCED).first()


@dataclass
class Standing:
    """What the register says of one unit (see the module's docstring)."""

    unit_id: int
    procedures: int = 0  # its effective scope documents
    first_effective: date | None = None  # never announced: the first effective date of any of them
    last_id: int | None = None  # its current announcement
    last_number: str = ""
    last_date: date | None = None
    covered: int = 0  # documents the current announcement covers
    added: int = 0  # scope documents it does not cover
    withdrawn: int = 0  # documents it covers that are no longer effective scope documents
    added_since: date | None = None
    withdrawn_since: date | None = None
    announcement_status: str = "never"

    @property
    def changed_since(self):
        days = [d for d in (self.added_since, self.withdrawn_since) if d is not None]
        return min(days) if days else None

    def decide(self, cutoff):
        if self.last_id is None:
            late = self.procedures and self.first_effective is not None and self.first_effective < cutoff
            self.announcement_status = "late" if late else "never"
        elif not self.added and not self.withdrawn:
            self.announcement_status = "current"
        elif self.changed_since is not None and self.changed_since < cutoff:
            self.announcement_status = "late"
        else:
            self.announcement_status = "changed"
        return self


FIELDS = [f.name for f in fields(Standing) if f.name != "unit_id"] + ["changed_since"]
PUBLISHED = (Revision.Status.EFFECTIVE, Revision.Status.SUPERSEDED)


def _covering(current):
    """The current announcements ``current`` (pks) covering the document of the outer query, each
    only for its own unit's documents."""
    return AnnouncementItem.objects.filter(announcement_id__in=list(current), document_id=OuterRef("pk"),
                                           announcement__unit_id=OuterRef("unit_id"))


def standings(unit_ids, today=None):
    """``{unit pk: Standing}`` for the units ``unit_ids``, in two to four queries whatever their
    number (see the module's docstring)."""
    today = today or timezone.localdate()
    unit_ids = list(unit_ids)
    found = {pk: Standing(pk) for pk in unit_ids}
    if not unit_ids:
        return found
    current = {}  # announcement pk → its unit's standing
    for unit_id, pk, number, day in (Announcement.objects.filter(
            unit_id__in=unit_ids, status=Announcement.Status.ANNOUNCED)
            .order_by("unit_id", "-decision_date", "-pk").values_list("unit_id", "pk", "decision_number",
                                                                     "decision_date")):
        standing = found[unit_id]
        if standing.last_id is None:
            standing.last_id, standing.last_number, standing.last_date = pk, number, day
            current[pk] = standing
    # The scope documents, those of them the unit's current announcement covers (each document
    # probes the announcements' index: a page's units read a few hundred index entries), and the
    # earliest first effective date of those it does not cover (each document's earliest published
    # revision, one probe of the index ``revision_published_on``; the aggregate's filter keeps the
    # covered ones from probing): never announced, when the scope's first document took effect;
    # announced, when the first document added since did.
    covered = Q(Exists(_covering(current)))
    first_published = Subquery(Revision.objects.filter(document=OuterRef("pk"), status__in=PUBLISHED)
                               .order_by("effective_date").values("effective_date")[:1], output_field=DateField())
    for unit_id, n, kept, first in (scope_documents().filter(unit_id__in=unit_ids).values("unit_id").order_by()
                                    .annotate(n=Count("pk"), kept=Count("pk", filter=covered),
                                              first=Min(first_published, filter=~covered))
                                    .values_list("unit_id", "n", "kept", "first")):
        standing = found[unit_id]
        standing.procedures, standing.added = n, n - kept
        if standing.added and standing.last_id is None:
            standing.first_effective = first
        elif standing.added:
            standing.added_since = first
    if current:
        _read_covered(current)
    cutoff = today - timedelta(days=late_days())
    return {pk: standing.decide(cutoff) for pk, standing in found.items()}


def _read_covered(current):
    """What each current announcement covers, counted, and when the covered documents that left the
    scope were withdrawn."""
    still = Exists(scope_documents().filter(pk=OuterRef("document_id")))
    for pk, covered, gone in (AnnouncementItem.objects.filter(announcement_id__in=list(current))
                              .values("announcement_id").order_by()
                              .annotate(covered=Count("pk"), gone=Count("pk", filter=~Q(still)))
                              .values_list("announcement_id", "covered", "gone")):
        current[pk].covered, current[pk].withdrawn = covered, gone
    gone = [pk for pk, s in current.items() if s.withdrawn]
    if gone:
        # The day a covered document was withdrawn: its withdrawal's transition record.
        withdrawal = TransitionRecord.objects.filter(
            content_type=ContentType.objects.get_for_model(Revision), transition="withdraw",
            object_id=OuterRef("document__current_revision_id")).order_by("at").values("at")[:1]
        for pk, at in (AnnouncementItem.objects.filter(announcement_id__in=gone).filter(~still)
                       .annotate(at=Subquery(withdrawal)).values_list("announcement_id", "at")):
            standing, day = current[pk], at and timezone.localdate(at)
            if day and (standing.withdrawn_since is None or day < standing.withdrawn_since):
                standing.withdrawn_since = day


def with_standings(units, found=None, today=None):
    """``units`` (a page of them, or all), each given its ``Standing``'s fields as attributes (what
    the register's row shows); ``found``: the standings already read for them, if they were."""
    units = list(units)
    found = found if found is not None else standings([u.pk for u in units], today)
    for unit in units:
        standing = found[unit.pk]
        for name in FIELDS:
            setattr(unit, name, getattr(standing, name))
    return units


def register_units(user, permission="documents.view_announcement"):
    """The units on ``user``'s register: in their scope (``permission``), active, that run their own
    QMS or own an effective scope document, in the tree's order."""
    return Unit.objects.restrict(user, permission).filter(is_active=True).filter(
        Q(runs_own_qms=True) | Q(Exists(scope_documents().filter(unit=OuterRef("pk"))))).order_by("path")


def announcement_register(user, today=None):
    """The register's rows, all of them (see the module's docstring)."""
    return with_standings(register_units(user), today=today)


def unit_status(unit, today=None):
    """One unit's row of the register (the same rules), whether or not it is on it."""
    return standings([unit.pk], today)[unit.pk]


def units_with_changed_scope(today=None):
    """The units whose scope changed since their current announcement (the reminder's rows), with the
    date of that announcement (``last_date``)."""
    current = Announcement.objects.filter(unit=OuterRef("pk"), status=Announcement.Status.ANNOUNCED)
    candidates = Unit.objects.filter(is_active=True).filter(Exists(current)).values_list("pk", flat=True)
    changed = [pk for pk, s in standings(candidates, today).items() if s.added or s.withdrawn]
    return Unit.objects.filter(pk__in=changed).annotate(last_date=Subquery(
        current.order_by("-decision_date", "-pk").values("decision_date")[:1], output_field=DateField()))
