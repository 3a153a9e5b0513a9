"""Controlled copies: header (unit, code, title, revision, effective date, page X of Y), signature
block, revision history, steps table and flow, DRAFT / OBSOLETE watermark, "uncontrolled when
printed" footer. An effective revision is rendered once (a Celery task, with progress) and served
from storage after that."""

from django.core.files.base import ContentFile
from django.db import transaction
from django.http import FileResponse, HttpResponse
from django.utils import timezone, translation

from qms_portal.notifications import enqueue
from qms_portal.pdf import PdfUnavailable, render_pdf  # noqa: F401 - PdfUnavailable is re-exported
from qms_portal.workflow import transitions_of

from .flow import flow_svg
from .models import ControlledCopy, Revision

CACHED_STATES = (Revision.Status.EFFECTIVE, Revision.Status.SUPERSEDED, Revision.Status.OBSOLETE)


def pdf_context(revision, user=None):
    document = revision.document
    steps = list(revision.steps.select_related("responsible_unit", "responsible_role", "output_form"))
    signatures = [t for t in transitions_of(revision) if t.signature_meaning]
    history = (
        Revision.objects.filter(document=document, number__lte=revision.number)
        .exclude(status=Revision.Status.DRAFT)
        .select_related("author")
        .order_by("number")
    )
    watermark = {Revision.Status.OBSOLETE: "OBSOLETE", Revision.Status.SUPERSEDED: "SUPERSEDED"}.get(
        revision.status, "" if revision.status == Revision.Status.EFFECTIVE else "DRAFT"
    )
    return {
        "revision": revision, "document": document, "steps": steps, "flow": flow_svg(steps),
        "signatures": signatures, "history": history, "watermark": watermark,
        "printed_by": user, "printed_at": timezone.now(), "legal_refs": revision.legal_refs.all(),
        "total_days": sum(s.time_limit for s in steps if s.time_unit == "days"),
        "total_hours": sum(s.time_limit for s in steps if s.time_unit == "hours"),
    }


def filename(revision):
    return f"{revision.document.code}-rev{revision.label}.pdf"


def live_pdf_response(revision, user):
    response = HttpResponse(render_pdf("pdf/controlled_copy.html", pdf_context(revision, user)),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename(revision)}"'
    return response


def controlled_copy_response(copy):
    return FileResponse(copy.file.open("rb"), as_attachment=True, filename=filename(copy.revision),
                        content_type="application/pdf")


def current_copy(revision):
    copy = ControlledCopy.objects.filter(revision=revision).first()
    return copy if copy is not None and copy.is_current else None


def ensure_rendering(revision):
    """Queue the rendering once; a second request while it renders queues nothing more. A copy made
    for another status (effective → obsolete) is made again, with the new watermark."""
    with transaction.atomic():
        copy, created = ControlledCopy.objects.select_for_update().get_or_create(revision=revision)
        if not created and copy.revision_status == revision.status and copy.state != copy.State.FAILED:
            return copy
        copy.state, copy.progress, copy.revision_status = copy.State.QUEUED, 0, revision.status
        copy.save()
        enqueue("documents.tasks.render_controlled_copy", revision_id=revision.pk)
    return copy


def _progress(revision_id, percent, state="rendering"):
    ControlledCopy.objects.filter(revision_id=revision_id).update(progress=percent, state=state)


def render_controlled_copy(revision_id):
    """Render and store the controlled copy of an effective, superseded or obsolete revision."""
    revision = Revision.objects.select_related("document__unit", "document__doc_type", "author").get(pk=revision_id)
    if revision.status not in CACHED_STATES:
        return False
    copy, _created = ControlledCopy.objects.get_or_create(revision=revision)
    _progress(revision.pk, 5)
    try:
        with translation.override(revision.author.language or None):
            data = render_pdf("pdf/controlled_copy.html", pdf_context(revision),
                              progress=lambda p: _progress(revision.pk, p))
    except Exception:
        _progress(revision.pk, 0, state=ControlledCopy.State.FAILED)
        raise
    copy.refresh_from_db()
    copy.file.save(f"{revision.document_id}-{revision.pk}-{revision.status}.pdf", ContentFile(data), save=False)
    copy.state, copy.progress, copy.revision_status = copy.State.READY, 100, revision.status
    copy.rendered_at = timezone.now()
    copy.save()
    return True
