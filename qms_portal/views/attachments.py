"""Attachments of any record: add (one or several files, or a photo from the phone's camera),
download, thumbnail, withdraw. The rights are the record's (``qms_portal.attachments``), answered as
the generic views do: 403 when the permission is held nowhere, 404 when the record is out of the
person's scope, 403 when they see it but may not do this."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from .. import attachments
from ..forms import AttachmentForm, AttachmentWithdrawForm
from ..models import Attachment

# A downloaded file is shown, never run: no script, no plugin, no same-origin rights.
FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def _back_to(parent):
    return HttpResponseRedirect(parent.get_absolute_url() + "#attachments")


def _refuse_nowhere(request, model, purpose):
    if not attachments.may_try(request.user, model, purpose):
        raise PermissionDenied


class AttachmentAddView(View):
    """POST only: the files of the form (the camera's photo and the chosen files), all or none."""

    def dispatch(self, request, target, pk):
        model = attachments.model_for(target)
        if model is None:
            raise Http404
        _refuse_nowhere(request, model, "add")
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        parent = attachments.record(model, pk)
        granted = attachments.rights(request.user, parent) if parent is not None else None
        if granted is None or not granted.view:
            raise Http404
        if not granted.add:
            raise PermissionDenied
        form = AttachmentForm(request.POST, request.FILES)
        if not form.is_valid():
            for message in _messages_of(form):
                messages.error(request, message)
            return _back_to(parent)
        files = form.cleaned_data["uploads"]
        current = None
        try:
            with transaction.atomic():
                for upload in files:
                    current = upload.name
                    attachments.attachment_add(acting_user=request.user, target=parent, upload=upload,
                                               caption=form.cleaned_data["caption"])
        except ValidationError as error:
            for message in error.messages:
                if len(files) > 1:
                    message = _("Nothing was attached. “%(name)s”: %(problem)s") % {"name": current,
                                                                                    "problem": message}
                messages.error(request, message)
            return _back_to(parent)
        messages.success(request, ngettext("%(count)d file was attached.", "%(count)d files were attached.",
                                           len(files)) % {"count": len(files)})
        return _back_to(parent)


def _messages_of(form):
    for errors in form.errors.values():
        yield from errors


class AttachmentFileView(View):
    """The file (images inline, with their checked content type; other files as a download), or the
    thumbnail of an image."""

    thumbnail = False

    def get(self, request, pk):
        attachment = Attachment.objects.select_related("content_type").filter(pk=pk).first()
        if attachment is None:
            raise Http404
        model = attachment.content_type.model_class()
        if model is None:
            raise Http404
        _refuse_nowhere(request, model, "view")
        parent = attachments.parent_of(attachment)
        granted = attachments.rights(request.user, parent) if parent is not None else None
        if granted is None or not granted.view:
            raise Http404
        if not granted.may_download(attachment):
            raise PermissionDenied  # withdrawn: listed, but the file is for the record's moderators
        if self.thumbnail:
            if not attachment.thumbnail:
                raise Http404
            stored, content_type, inline = attachment.thumbnail, "image/webp", True
        else:
            stored, content_type, inline = attachment.file, attachment.mime_type, attachment.is_image
        try:
            handle = stored.open("rb")
        except FileNotFoundError:
            raise Http404
        response = FileResponse(handle, content_type=content_type, as_attachment=not inline,
                                filename=attachment.original_name)
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = FILE_CSP
        response["Cache-Control"] = "private, max-age=3600"
        return response


class AttachmentWithdrawView(View):
    """POST only, with the reason."""

    def dispatch(self, request, pk):
        attachment = Attachment.objects.select_related("content_type").filter(pk=pk).first()
        if attachment is None or attachment.content_type.model_class() is None:
            raise Http404
        _refuse_nowhere(request, attachment.content_type.model_class(), "add")
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        parent = attachments.parent_of(attachment)
        granted = attachments.rights(request.user, parent) if parent is not None else None
        if granted is None or not granted.view:
            raise Http404
        if not granted.may_withdraw_as_person(attachment):
            raise PermissionDenied
        form = AttachmentWithdrawForm(request.POST)
        if not form.is_valid():
            for message in _messages_of(form):
                messages.error(request, message)
            return _back_to(parent)
        try:
            attachments.attachment_withdraw(acting_user=request.user, attachment=attachment,
                                            reason=form.cleaned_data["reason"])
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return _back_to(parent)
        messages.success(request, _("“%(name)s” was withdrawn.") % {"name": attachment.original_name})
        return _back_to(parent)
