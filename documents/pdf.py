"""Controlled copies: header (unit, code, title, revision, effective date, page X of Y), signature
block, revision history, steps table and flow, DRAFT / SUPERSEDED / OBSOLETE watermark (the status's
label in the printing language, in capitals), "uncontrolled when printed" footer on one line. Chinese
text prints in the Simplified or Traditional face by how the document is written (``han_variant``).
An effective revision is rendered once per language (a Celery task, with progress) and served from
storage after that; each download carries "printed on … by …" on every page, laid over the stored
copy (kept for that person and day)."""

import io
import logging
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, HttpResponse
from django.utils import timezone, translation

from qms_portal.notifications import enqueue
from qms_portal.pdf import CHINESE, PdfUnavailable, han_variant, render_pdf  # noqa: F401 - PdfUnavailable is re-exported
from qms_portal.workflow import transitions_of

from .flow import flow_svg
from .models import ControlledCopy, Revision
from .time_limits import step_total

log = logging.getLogger(__name__)

# A rendering that has not moved for this long (a lost task, a worker that died) is queued again: by
# beat (``recover_stalled_copies``, every five minutes, at most QMS_JOB_MAX_ATTEMPTS times, then
# failed), or by the next request for it.
STALLED_AFTER = timedelta(minutes=5)
CACHED_STATES = (Revision.Status.EFFECTIVE, Revision.Status.SUPERSEDED, Revision.Status.OBSOLETE)


def pdf_context(revision, user=None):
    document = revision.document
    steps = list(revision.steps.select_related("responsible_unit", "responsible_role", "output_form"))
    signatures = [t for t in transitions_of(revision) if t.signature_meaning]
    history = (
        Revision.objects.filter(document=document, number__lte=revision.number)
        .exclude(status=Revision.Status.DRAFT)
        .select_related("author")
        .defer(*Revision.BULKY)
        .order_by("number")
    )
    # Which Chinese the document is written in, if any: by its characters, else the printing language.
    han = han_variant(document.title, document.unit.name, revision.content, revision.source_html,
                      *(f"{s.title} {s.responsible} {s.output}" for s in steps))
    return {
        "revision": revision, "document": document, "steps": steps,
        "flow": flow_svg(steps, font_family=_flow_fonts(han)),
        "signatures": signatures, "history": history, "watermark": watermark(revision), "han": han,
        "printed_by": user, "printed_at": timezone.now(), "legal_refs": revision.legal_refs.all(),
        "total": step_total(steps, document.legal_time_limit_days),
        # A draft's copy (rendered on request) prints the legal time limit and, when the steps take
        # longer, the warning: reviewers read them on paper. A stored copy of an effective revision
        # is the revision as published and does not follow later changes to the document's limit.
        "shows_legal_limit": revision.status not in CACHED_STATES,
    }


def watermark(revision):
    """DRAFT (a revision not yet in force), SUPERSEDED or OBSOLETE, in the active language: the
    status's own label, in capitals; nothing on an effective revision."""
    status = revision.status
    if status == Revision.Status.EFFECTIVE:
        return ""
    label = Revision.Status(status).label if status in CACHED_STATES else Revision.Status.DRAFT.label
    return str(label).upper()


def _flow_fonts(han):
    """The fonts of the flow diagram (an SVG, which the page's CSS does not reach): Latin first, then
    the Chinese face of the printing language (its time limits are in it), else of the document;
    never fontconfig's choice (Japanese)."""
    first = CHINESE.get((translation.get_language() or "").lower()) or han or "zh-Hans"
    faces = {"zh-Hans": "Noto Sans CJK SC", "zh-Hant": "Noto Sans CJK TC"}
    return ", ".join(["Noto Sans", "DejaVu Sans", faces[first], *(f for k, f in faces.items() if k != first),
                      "sans-serif"])


def filename(revision):
    return f"{revision.document.code}-rev{revision.label}.pdf"


def live_pdf_response(revision, user):
    response = HttpResponse(render_pdf("pdf/controlled_copy.html", pdf_context(revision, user)),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename(revision)}"'
    return response


def copy_language():
    """The language of the copy to serve: the reader's, one of the portal's languages."""
    language = (translation.get_language() or settings.LANGUAGE_CODE).lower()
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def current_copy(revision, language=None):
    copy = ControlledCopy.objects.filter(revision=revision, language=language or copy_language()).first()
    if copy is not None:
        copy.revision = revision  # already loaded: no second fetch of its content
    return copy if copy is not None and copy.is_current else None


def ensure_rendering(revision, language=None):
    """Queue the rendering once per language; a second request while it renders queues nothing more.
    A copy made for another status (effective → obsolete) is made again, with the new watermark."""
    language = language or copy_language()
    with transaction.atomic():
        copy, created = ControlledCopy.objects.select_for_update().get_or_create(revision=revision, language=language)
        stalled = copy.state in (copy.State.QUEUED, copy.State.RENDERING) and \
            copy.updated_at < timezone.now() - STALLED_AFTER
        if not created and copy.revision_status == revision.status and copy.state != copy.State.FAILED \
                and not stalled:
            return copy
        copy.state, copy.progress, copy.revision_status = copy.State.QUEUED, 0, revision.status
        copy.attempts = 1
        copy.save()
        enqueue("documents.tasks.render_controlled_copy", revision_id=revision.pk, language=language)
    return copy


def recover_stalled_copies(now=None):
    """Queue again each rendering that stopped moving (its worker was killed, its message lost),
    instead of leaving the copy at "rendering 5%" until someone asks again; after
    ``QMS_JOB_MAX_ATTEMPTS`` attempts the copy is marked failed (the progress page says so, and the
    next request starts afresh). Returns ``{"requeued": n, "failed": n}``."""
    now = now or timezone.now()
    active = [ControlledCopy.State.QUEUED, ControlledCopy.State.RENDERING]
    stalled = ControlledCopy.objects.filter(state__in=active, updated_at__lt=now - STALLED_AFTER)
    counts = {"requeued": 0, "failed": 0}
    for pk in list(stalled.order_by("pk").values_list("pk", flat=True)[:500]):
        with transaction.atomic():
            copy = stalled.select_for_update().filter(pk=pk).first()
            if copy is None:
                continue
            if copy.attempts >= settings.QMS_JOB_MAX_ATTEMPTS:
                copy.state, copy.progress = copy.State.FAILED, 0
                copy.save()
                counts["failed"] += 1
                log.warning("Controlled copy %s stalled %s times: marked failed", copy, copy.attempts)
            else:
                copy.state, copy.progress, copy.attempts = copy.State.QUEUED, 0, copy.attempts + 1
                copy.save()
                enqueue("documents.tasks.render_controlled_copy", revision_id=copy.revision_id, language=copy.language)
                counts["requeued"] += 1
                log.warning("Controlled copy %s stalled: queued again (attempt %s)", copy, copy.attempts)
    return counts


def _progress(revision_id, language, percent, state="rendering"):
    ControlledCopy.objects.filter(revision_id=revision_id, language=language).update(
        progress=percent, state=state, updated_at=timezone.now())


def render_controlled_copy(revision_id, language=None):
    """Render and store the controlled copy of an effective, superseded or obsolete revision."""
    language = language or settings.LANGUAGE_CODE
    revision = Revision.objects.select_related("document__unit", "document__doc_type", "author").get(pk=revision_id)
    if revision.status not in CACHED_STATES:
        return False
    copy, _created = ControlledCopy.objects.get_or_create(revision=revision, language=language)
    _progress(revision.pk, language, 5)
    try:
        with translation.override(language):
            data = render_pdf("pdf/controlled_copy.html", pdf_context(revision),
                              progress=lambda p: _progress(revision.pk, language, p))
    except Exception:
        _progress(revision.pk, language, 0, state=ControlledCopy.State.FAILED)
        raise
    copy.refresh_from_db()
    copy.file.save(f"{revision.document_id}-{revision.pk}-{revision.status}-{language}.pdf", ContentFile(data),
                   save=False)
    copy.state, copy.progress, copy.revision_status = copy.State.READY, 100, revision.status
    copy.rendered_at, copy.attempts = timezone.now(), 0
    copy.save()
    return True


# --- Issuing a copy: "printed on … by …" on every page ---------------------------------------------

ISSUED = "controlled-copies/issued"


def issued_copy_response(copy, user):
    """The stored copy with one line on every page: printed when, by whom, uncontrolled. The stamped
    file is kept for that person and day, so repeated downloads are served as they are."""
    today = timezone.localdate()
    name = f"{ISSUED}/{today.isoformat()}/{copy.revision_id}-{copy.language}-{copy.revision_status}-{user.pk}.pdf"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(stamp(copy.file, user)))
    return FileResponse(default_storage.open(name, "rb"), as_attachment=True, filename=filename(copy.revision),
                        content_type="application/pdf")


def stamp(pdf_file, user):
    """Lay the one-line "printed" stamp (rendered once, with the CJK-capable fonts) over every page."""
    from pypdf import PdfReader, PdfWriter

    mark = render_pdf("pdf/issue_stamp.html", {"printed_by": user, "printed_at": timezone.now()})
    stamp_page = PdfReader(io.BytesIO(mark)).pages[0]
    with pdf_file.open("rb") as handle:
        writer = PdfWriter(clone_from=io.BytesIO(handle.read()))
    for page in writer.pages:
        page.merge_page(stamp_page)
        page.compress_content_streams()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def purge_issued_copies(keep_days=2):
    """Issued (stamped) copies are a day's cache: older ones are deleted."""
    cutoff = (timezone.localdate() - timedelta(days=keep_days)).isoformat()
    try:
        days, _files = default_storage.listdir(ISSUED)
    except FileNotFoundError:
        return 0
    removed = 0
    for day in days:
        if day < cutoff:
            _subdirs, files = default_storage.listdir(f"{ISSUED}/{day}")
            for file in files:
                default_storage.delete(f"{ISSUED}/{day}/{file}")
                removed += 1
    return removed
