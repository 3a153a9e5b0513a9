"""Reads of the documents area that several views, services and tasks share (services write;
selectors read): who a document is distributed to, which documents a legal change concerns, who
may be named a reviewer; the register's order and its counts by level and category; the effective
documents and the acknowledgements they ask (the steering dashboard's figures and the register of
acknowledgements read the same rule)."""

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Value, When
from django.utils.translation import gettext_lazy

from qms_portal.models import RoleAssignment, User
from qms_portal.permissions import ancestor_paths, can

from .models import Acknowledgement, Document, DocumentType, Revision

S = Revision.Status


def recipients(document):
    """The active people a document is distributed to. Without a list: the members of the owning
    unit and every unit below it."""
    User = get_user_model()
    entries = list(document.distribution.select_related("unit"))
    unit = document.unit
    if not entries:
        return User.objects.filter(is_active=True, primary_unit__path__startswith=unit.path)
    q = Q(pk__in=[e.person_id for e in entries if e.person_id])
    for entry in entries:
        if entry.unit_id:
            q |= Q(primary_unit__path__startswith=entry.unit.path)
    role_ids = [e.role_id for e in entries if e.role_id]
    if role_ids:
        # Holders of the role in the owning unit or below, and above it only where the role covers
        # the sub-units.
        holders = RoleAssignment.objects.current().filter(role_id__in=role_ids, unit__is_active=True).filter(
            Q(unit__path__startswith=unit.path)
            | Q(unit__path__in=ancestor_paths(unit.path)[:-1], include_subunits=True)
        ).values("user_id")
        q |= Q(pk__in=holders)
    return User.objects.filter(is_active=True).filter(q).distinct()


def affected_documents(legal):
    """Documents whose effective revision cites this legal document."""
    return Document.objects.filter(
        current_revision__legal_refs=legal, current_revision__status=Revision.Status.EFFECTIVE, is_withdrawn=False
    ).select_related("unit", "process_owner")


SYSTEM_USERNAME = "system"
READ_REVISIONS = ("documents", "view_revision")


def reviewer_candidates(revision):
    """The people who may be named reviewers of ``revision``: the active people who read the
    revisions of its unit through a current role held on that unit, or on a unit above it with its
    sub-units (its colleagues, the division and agency above, the document controller and the
    management representative), never its author and never the portal's own account. Colleagues
    of the unit itself come first, then the units above, nearest first. One query, whatever the
    number of people."""
    unit = revision.document.unit
    app_label, codename = READ_REVISIONS
    holds = RoleAssignment.objects.current().filter(
        user=OuterRef("pk"), unit__is_active=True,
        role__permissions__codename=codename, role__permissions__content_type__app_label=app_label,
    ).filter(Q(unit_id=unit.pk) | Q(include_subunits=True, unit__path__in=ancestor_paths(unit.path)[:-1]))
    return (
        User.objects.filter(is_active=True).filter(Exists(holds))
        .exclude(pk=revision.author_id).exclude(username=SYSTEM_USERNAME)
        .select_related("primary_unit")
        .annotate(_here=Case(When(primary_unit_id=unit.pk, then=Value(0)), default=Value(1),
                             output_field=IntegerField()))
        .order_by("_here", "-primary_unit__depth", "full_name", "username")
    )


def effective_documents(user):
    """The effective documents the reader may see (not withdrawn, with an effective revision)."""
    return Document.objects.restrict(user, "view").filter(is_withdrawn=False, current_revision__isnull=False)


def acknowledgements_asked(user):
    """The acknowledgements the effective documents the reader may see ask of their readers (their
    current revisions'), counted on the document's unit: the register of acknowledgements
    (``views/acknowledgements.py``); the steering dashboard's "acknowledgement coverage" counts the
    same rows per document (``acknowledgements_of_current_revision`` over ``effective_documents``)."""
    # (as "the current revision of an effective document", a semi-join: compared with the document's
    # own column the planner expected one row and read 250 × 10,000 pairs, 4 times slower)
    return Acknowledgement.objects.filter(revision_id__in=effective_documents(user).values("current_revision_id"))


def acknowledgements_of_current_revision(done=False):
    """On a document, the number of acknowledgements its current revision asks (``done``: given), a
    scalar subquery counted from an index alone (those asked: the revision's; those given: the
    partial index ``acknowledgement_given``): the steering
    dashboard sums them over ``effective_documents`` — the same rows as ``acknowledgements_asked``,
    counted per document instead of joined one by one (at province scale, 9,500 documents and
    100,000 acknowledgements: some 10 ms of SQL instead of 100–150)."""
    from django.db.models import Func, IntegerField, OuterRef, Subquery, Value

    rows = Acknowledgement.objects.filter(revision_id=OuterRef("current_revision_id"))
    if done:
        rows = rows.filter(acknowledged_at__isnull=False)
    # COUNT(1) over the rows with no GROUP BY: one row, 0 when none, read from the index alone
    # where it can (an ORM Count would group by the revision and read each row's key)
    counted = rows.order_by().annotate(n=Func(Value(1), function="COUNT", output_field=IntegerField())).values("n")
    return Subquery(counted, output_field=IntegerField())


# The register of acknowledgements' order: the newest asked first (an index serves it:
# ``acknowledgement_asked_order``, migration 0020).
ACKNOWLEDGEMENT_ORDER = ("-created_at", "-pk")


def can_edit(user, revision):
    return revision.status == S.DRAFT and can(user, "change", revision)


# --- The register -------------------------------------------------------------------------------

# The register's order, declared here only: by level (the quality manual, policy and objectives
# first), then code; the id keeps it total (codes are unique per unit only), so pages never overlap.
REGISTER_ORDER = ("level", "code", "pk")  # Document.level: the type's, copied (an index serves it)

# The procedures of level 2, by category, in this order (ISO 9001:2008's six mandatory ones first).
CATEGORIES = {
    Document.Category.MANDATORY: gettext_lazy("Mandatory procedures"),
    Document.Category.OPERATIONAL: gettext_lazy("Operational procedures"),
    Document.Category.SUPPORT: gettext_lazy("Support procedures"),
}
CATEGORY_ORDER = [*CATEGORIES, ""]


@dataclass
class Group:
    level: int
    category: str
    count: int

    @property
    def label(self):
        if self.level == DocumentType.Level.PROCEDURE and self.category:
            return str(CATEGORIES.get(self.category, self.category))
        return str(DocumentType.Level(self.level).label) if self.level in DocumentType.Level.values else str(self.level)


def counts(documents):
    """The documents by level, and the procedures by category: ``([Group…], total)``. One GROUP BY
    query over ``documents`` as given (already narrowed to the reader's scope and filters), however
    many there are: the register shows it above its list, the master list at its head."""
    rows = documents.order_by().values_list("level", "category").annotate(n=Count("pk"))
    merged = defaultdict(int)
    for level, category, n in rows:
        merged[(level, category if level == DocumentType.Level.PROCEDURE else "")] += n
    groups = [Group(level, category, n) for (level, category), n in merged.items()]
    groups.sort(key=lambda g: (g.level, CATEGORY_ORDER.index(g.category) if g.category in CATEGORY_ORDER else 9))
    return groups, sum(g.count for g in groups)


def equation(groups, total):
    """"3 + 6 + 22 + 4 = 35"."""
    return " + ".join(str(g.count) for g in groups) + f" = {total}" if groups else "0"
