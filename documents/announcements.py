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
``never`` or ``late``. Everything is computed in one SQL query (correlated subqueries), so the page
reads a constant number of queries whatever the number of units and documents.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least, TruncDate
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


def _count(queryset, group):
    """A correlated COUNT of ``queryset`` grouped by ``group`` (0 when there is none)."""
    counted = queryset.order_by().values(group).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _outer(name, depth):
    """``OuterRef(name)`` reaching ``depth`` queries out (the unit's query, from a nested subquery)."""
    ref = name
    for _level in range(depth):
        ref = OuterRef(ref)
    return ref


def _added(depth):
    """The unit's scope documents its current announcement does not cover (``depth``: how many
    queries in from the unit's)."""
    covered = AnnouncementItem.objects.filter(announcement_id=_outer("last_id", depth + 1),
                                              document_id=OuterRef("pk"))
    return scope_documents().filter(unit=_outer("pk", depth)).filter(~Exists(covered))


def _gone(depth):
    """What the unit's current announcement covers that is no longer an effective scope document."""
    return AnnouncementItem.objects.filter(announcement_id=_outer("last_id", depth)).exclude(
        document__in=scope_documents())


def _annotate(units, today):
    """``units`` with what the register shows and filters on, computed in the database."""
    last = Announcement.objects.filter(unit=OuterRef("pk"), status=Announcement.Status.ANNOUNCED).order_by(
        "-decision_date", "-pk")
    revision_type = ContentType.objects.get_for_model(Revision)
    published = (Revision.Status.EFFECTIVE, Revision.Status.SUPERSEDED)
    # The first effective date of an added document: its earliest published revision.
    added_since = (Revision.objects.filter(status__in=published, document__in=_added(2).values("pk"))
                   .order_by("effective_date").values("effective_date")[:1])
    # The day a covered document was withdrawn: its withdrawal's transition record.
    withdrawn_since = (TransitionRecord.objects.filter(
        content_type=revision_type, transition="withdraw",
        object_id__in=_gone(2).values("document__current_revision_id")).order_by("at").values("at")[:1])
    first_effective = (Revision.objects.filter(status__in=published, document__in=scope_documents().filter(
        unit=OuterRef(OuterRef("pk")))).order_by("effective_date").values("effective_date")[:1])
    units = units.annotate(
        last_id=Subquery(last.values("pk")[:1]),
        last_number=Subquery(last.values("decision_number")[:1]),
        last_date=Subquery(last.values("decision_date")[:1]),
        procedures=_count(scope_documents().filter(unit=OuterRef("pk")), "unit"),
    ).annotate(
        covered=_count(AnnouncementItem.objects.filter(announcement_id=OuterRef("last_id")), "announcement"),
        added=_count(_added(1), "unit"),
        withdrawn=_count(_gone(1), "announcement"),
        added_since=Subquery(added_since, output_field=DateField()),
        withdrawn_since=TruncDate(Subquery(withdrawn_since)),
        first_effective=Subquery(first_effective, output_field=DateField()),
    ).annotate(
        changed_since=Least(Coalesce("added_since", "withdrawn_since"), Coalesce("withdrawn_since", "added_since")),
    )
    cutoff = today - timedelta(days=late_days())
    return units.annotate(announcement_status=Case(
        When(last_id__isnull=True, procedures__gt=0, first_effective__lt=cutoff, then=Value("late")),
        When(last_id__isnull=True, then=Value("never")),
        When(added=0, withdrawn=0, then=Value("current")),
        When(changed_since__lt=cutoff, then=Value("late")),
        default=Value("changed"), output_field=CharField(),
    ))


def announcement_register(user, today=None):
    """The register's rows: the units in ``user``'s scope (``documents.view_announcement``) that run
    their own QMS or own an effective scope document, annotated (see the module's docstring), in
    the tree's order."""
    today = today or timezone.localdate()
    units = Unit.objects.restrict(user, "documents.view_announcement").filter(is_active=True).filter(
        Q(runs_own_qms=True) | Q(Exists(scope_documents().filter(unit=OuterRef("pk")))))
    return _annotate(units, today).order_by("path")


def unit_status(unit, today=None):
    """One unit's row of the register (the same rules), or None for a unit that is not on it."""
    today = today or timezone.localdate()
    return _annotate(Unit.objects.filter(pk=unit.pk), today).first()


def units_with_changed_scope(today=None):
    """The units whose scope changed since their current announcement (the reminder's rows),
    annotated as the register's."""
    today = today or timezone.localdate()
    units = Unit.objects.filter(is_active=True).filter(Exists(Announcement.objects.filter(
        unit=OuterRef("pk"), status=Announcement.Status.ANNOUNCED)))
    return _annotate(units, today).filter(Q(added__gt=0) | Q(withdrawn__gt=0))
