"""The documents area's part of "My work": what to read, review and approve."""

from django.urls import reverse
from django.utils.translation import gettext as _

from qms_portal.mywork import Section
from qms_portal.permissions import restrict

from .models import Acknowledgement, ReviewerAssignment, Revision


def document_work(user):
    to_read = (
        Acknowledgement.objects.filter(user=user, acknowledged_at__isnull=True,
                                       revision__status=Revision.Status.EFFECTIVE)
        .select_related("revision__document")
        .order_by("created_at")[:10]
    )
    to_review = (
        ReviewerAssignment.objects.filter(reviewer=user, decision=ReviewerAssignment.Decision.PENDING,
                                          revision__status=Revision.Status.IN_REVIEW)
        .select_related("revision__document")[:10]
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
            .distinct()[:10]
        )
        sections.append(Section(_("Waiting for my approval"),
                                [(str(r), r.get_absolute_url(), r.document.title) for r in ready],
                                _("No revision waits for your approval.")))
    return sections
