"""Reads of the management review part: the review list, the decisions list, a review's page, the
minutes' PDF, "My work" and the steering committee's figure. Each reads a fixed number of queries
whatever the number of rows."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from qms_portal.mywork import Section

from ..models import ManagementReview, ReviewDecision
from .review_inputs import rendered_inputs

SHOWN = 10


def review_list_queryset(user):
    return (ManagementReview.objects.restrict(user, "view").select_related("unit", "chair")
            .annotate(open_decisions=Count("decisions", filter=Q(decisions__status=ReviewDecision.Status.OPEN)))
            .defer("snapshot", "external_providers", "resources", "issues_changes", "other_inputs", "conclusions",
                   "other_participants", "search_key"))


def decision_list_queryset(user):
    return (ReviewDecision.objects.restrict(user, "view").select_related("review", "owner")
            .defer("review__snapshot", "review__external_providers", "review__resources", "review__issues_changes",
                   "review__other_inputs", "review__conclusions", "review__other_participants", "note"))


def overdue_decisions(user, today=None):
    """The open decisions past their due date that ``user`` may see (the dashboard's figure)."""
    today = today or timezone.localdate()
    return ReviewDecision.objects.restrict(user, "view").filter(status=ReviewDecision.Status.OPEN, due_on__lt=today)


def review_page(review, user):
    """What a review's page shows besides the review itself: its people, its inputs (live while
    planned, frozen once held), its decisions."""
    return {
        "participants": list(review.participants.only("pk", "full_name", "username").order_by("full_name", "pk")),
        "other_participants": [n for n in review.other_participants.splitlines() if n.strip()],
        "inputs": rendered_inputs(review),
        "decisions": list(review.decisions.select_related("owner").order_by("due_on", "pk")),
    }


def signatures_of(review):
    """The review's signed transitions (the chair's signature of the minutes), oldest first."""
    from qms_portal.workflow import transitions_of

    return list(transitions_of(review).exclude(signature_meaning="").order_by("at", "pk"))


def minutes_context(review, user):
    """What the minutes' PDF shows: the meeting, its people, its inputs (as frozen), its decisions,
    the conclusions and the chair's signature."""
    from qms_portal.pdf import han_variant

    page = review_page(review, user)
    return {
        "review": review, **page,
        "signatures": signatures_of(review),
        "printed_at": timezone.now(), "printed_by": user,
        "han": han_variant(review.title, review.unit.name, review.conclusions),
    }


def review_work(user):
    """My work: the decisions I own that are open; the reviews I chair still to hold or sign."""
    sections = []
    today = timezone.localdate()
    mine = list(ReviewDecision.objects.filter(owner=user, status=ReviewDecision.Status.OPEN)
                .select_related("review").only("pk", "description", "due_on", "review__number")
                .order_by("due_on", "pk")[:SHOWN])
    if mine:
        sections.append(Section(
            _("Management review decisions I own"),
            [(f"{d.review.number} · {d.description[:80]}", d.get_absolute_url(),
              (_("overdue since %(date)s") if d.due_on < today else _("due %(date)s")) % {
                  "date": formats.date_format(d.due_on, "SHORT_DATE_FORMAT")}) for d in mine],
            "", reverse("objectives:decision_list") + "?mine=true&status=open"))
    chaired = list(ManagementReview.objects.filter(chair=user, status__in=(ManagementReview.Status.PLANNED,
                                                                           ManagementReview.Status.HELD))
                   .only("pk", "number", "title", "meeting_on", "status").order_by("meeting_on", "pk")[:SHOWN])
    if chaired:
        sections.append(Section(
            _("Management reviews I chair"),
            [(f"{r.number} · {r.title}", r.get_absolute_url(),
              (_("to hold on %(date)s") if r.status == ManagementReview.Status.PLANNED else _("minutes to sign")) % {
                  "date": formats.date_format(r.meeting_on, "SHORT_DATE_FORMAT")}) for r in chaired],
            "", reverse("objectives:review_list") + "?status=planned"))
    return sections
