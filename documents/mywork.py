"""The documents area's part of "My work": what to read, review and approve, the documents whose
legal basis changed ("review required"), the periodic reviews that are due, and the announcements
of conformity to make."""

from datetime import timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from qms_portal import fragments
from qms_portal.mywork import Section
from qms_portal.permissions import restrict, scope_fingerprint

from . import cached
from .announcements import STATUS_LABELS, register_units, standings
from .models import Acknowledgement, Announcement, Document, ReviewerAssignment, Revision

# A periodic review is listed from this many days before its date (and for as long as it is overdue),
# as the reminders begin (``services.remind_periodic_reviews``).
REVIEW_DUE_DAYS = 30
SHOWN = 10


def document_work(user):
    to_read = (
        Acknowledgement.objects.filter(user=user, acknowledged_at__isnull=True,
                                       revision__status=Revision.Status.EFFECTIVE)
        .select_related("revision__document")
        .order_by("created_at")[:SHOWN]
    )
    to_review = (
        ReviewerAssignment.objects.filter(reviewer=user, decision=ReviewerAssignment.Decision.PENDING,
                                          revision__status=Revision.Status.IN_REVIEW)
        .select_related("revision__document")[:SHOWN]
    )
    sections = [
        Section(_("To read and acknowledge"),
                [(f"{a.revision.document.code} · {a.revision.document.title}", a.revision.document.get_absolute_url(),
                  _("Revision %(label)s") % {"label": a.revision.label}) for a in to_read],
                _("Nothing new to read."), reverse("documents:register")),
        Section(_("Waiting for my review"),
                [(str(a.revision), a.revision.get_absolute_url(), a.revision.document.title) for a in to_review],
                _("No revision waits for your review.")),
    ]
    if user.has_perm("documents.approve_revision"):
        ready = (
            restrict(Revision.objects.filter(status=Revision.Status.IN_REVIEW), user, "documents.approve_revision")
            .exclude(author=user)
            .exclude(reviewers__decision__in=[ReviewerAssignment.Decision.PENDING, ReviewerAssignment.Decision.CHANGES])
            .filter(reviewers__isnull=False)
            .select_related("document")
            .distinct()[:SHOWN]
        )
        sections.append(Section(_("Waiting for my approval"),
                                [(str(r), r.get_absolute_url(), r.document.title) for r in ready],
                                _("No revision waits for your approval.")))
    sections.extend(_owner_sections(user))
    return sections


def _owned(user, may_review):
    """The effective documents ``user`` answers for: those they own as process owner, and, when they
    may record periodic reviews somewhere, those of the units where they may."""
    mine = Q(process_owner=user)
    if may_review:
        mine |= Q(pk__in=restrict(Document.objects.all(), user, "documents.review_document").values("pk"))
    return Document.objects.filter(mine, is_withdrawn=False, current_revision__isnull=False)


def _owner_sections(user):
    """"Review required" (a legal document the effective revision cites changed) and "Periodic
    reviews due" (the next review within ``REVIEW_DUE_DAYS`` days, or overdue), for the process
    owner and those who may review the unit's documents: three queries whatever the number of
    documents (the two lists, and which of the listed documents the user may review)."""
    may_review = user.has_perm("documents.review_document")
    today = timezone.localdate()
    owned = _owned(user, may_review).only("pk", "code", "title", "next_review_date", "review_required")
    flagged = list(owned.filter(review_required=True).order_by("next_review_date", "code", "pk")[:SHOWN])
    due = list(owned.filter(next_review_date__lte=today + timedelta(days=REVIEW_DUE_DAYS))
               .order_by("next_review_date", "code", "pk")[:SHOWN])
    if not (may_review or flagged or due):
        return []
    reviewable = set()
    listed = {d.pk for d in flagged + due}
    if may_review and listed:
        reviewable = set(restrict(Document.objects.filter(pk__in=listed), user, "documents.review_document")
                         .values_list("pk", flat=True))

    def review_url(document):
        # The periodic review is where the decision is recorded (still valid, revise, withdraw);
        # a process owner who may not record it opens the document.
        if document.pk in reviewable:
            return reverse("documents:document_periodic_review", args=[document.pk])
        return document.get_absolute_url()

    def when(document):
        date = formats.date_format(document.next_review_date, "SHORT_DATE_FORMAT")
        if document.next_review_date < today:
            return _("Overdue since %(date)s") % {"date": date}
        return _("Due on %(date)s") % {"date": date}

    return [
        Section(_("Review required: legal basis changed"),
                [(f"{d.code} · {d.title}", review_url(d), _("A legal document it cites changed status."))
                 for d in flagged],
                _("No document waits for a review after a change of its legal basis."),
                reverse("documents:register") + "?status=review_required" if flagged else ""),
        Section(_("Periodic reviews due"),
                [(f"{d.code} · {d.title}", review_url(d), when(d)) for d in due],
                _("No periodic review is due in the next 30 days.")),
    ]


# The announcements to make, the most pressing first.
ANNOUNCE_ORDER = {"late": 0, "changed": 1, "never": 2}
ANNOUNCE = "documents.announce_announcement"


def _to_announce(user):
    """``(units due, how many in all)``: up to ``SHOWN`` ``(pk, code, name, Standing, draft pk)``, the
    most pressing first. Three to seven queries whatever the number of units and documents
    (``announcements.standings``); kept in the cache per scope and day, until an announcement, a
    document of a scope or a unit changes (``cached.ANNOUNCEMENT_REGISTER_GENERATIONS``)."""
    def read():
        units = list(register_units(user, ANNOUNCE).only("pk", "code", "name", "path"))
        found = standings([u.pk for u in units])
        due = sorted((u for u in units if found[u.pk].announcement_status in ANNOUNCE_ORDER
                      and (found[u.pk].announcement_status != "never" or found[u.pk].procedures)),
                     key=lambda u: (ANNOUNCE_ORDER[found[u.pk].announcement_status], u.path))
        drafts = dict(Announcement.objects.filter(unit__in=[u.pk for u in due[:SHOWN]],
                                                  status=Announcement.Status.DRAFT).values_list("unit_id", "pk"))
        return [(u.pk, u.code, u.name, found[u.pk], drafts.get(u.pk)) for u in due[:SHOWN]], len(due)

    key = fragments.entry_key("documents.to_announce", scope_fingerprint(user, ANNOUNCE),
                              timezone.localdate().isoformat())
    return fragments.cached(key, cached.ANNOUNCEMENT_REGISTER_GENERATIONS, read, cached.REGISTER_SECONDS)


def announcement_work(user):
    """For whoever may sign announcements of conformity: the units of their scope on the register that
    are late, whose scope changed since their announcement, or that own effective documents of the
    scope and never announced, each opening its draft (or a new announcement for it)."""
    if not user.has_perm(ANNOUNCE):
        return []
    due, total = _to_announce(user)

    def url(pk, draft):
        if draft:
            return reverse("documents:announcement_detail", args=[draft])
        return f"{reverse('documents:announcement_create')}?unit={pk}"

    def detail(standing, draft):
        label = str(STATUS_LABELS[standing.announcement_status])
        if standing.last_id and (standing.added or standing.withdrawn):
            label += " · " + _("%(added)s added, %(withdrawn)s withdrawn") % {
                "added": standing.added, "withdrawn": standing.withdrawn}
            if standing.changed_since:
                label += " · " + _("since %(date)s") % {
                    "date": formats.date_format(standing.changed_since, "SHORT_DATE_FORMAT")}
        if draft:
            label += " · " + _("a draft is waiting for your signature")
        return label

    return [Section(_("Announcements of conformity to make"),
                    [(f"{code} · {name}", url(pk, draft), detail(standing, draft))
                     for pk, code, name, standing, draft in due],
                    _("Every unit you announce for is announced and current."),
                    reverse("documents:announcement_register") if total > SHOWN else "")]
