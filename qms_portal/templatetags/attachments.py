"""``{% load attachments %}{% attachments_panel object %}``: the attachments of a record on its page —
thumbnails, files, withdrawn ones, the upload form — with what the reader may do (one query for the
attachments, the rights from the record)."""

from django import template
from django.conf import settings
from django.urls import reverse

from .. import attachments, uploads

register = template.Library()


@register.inclusion_tag("generic/attachments.html", takes_context=True)
def attachments_panel(context, target):
    user = context["request"].user
    granted = attachments.rights(user, target)
    rows = list(attachments.attachments_for(target, include_withdrawn=True)) if granted.view else []
    for row in rows:
        row.can_withdraw = granted.may_withdraw(row)
        row.can_download = granted.may_download(row)
    current = [row for row in rows if not row.is_withdrawn]
    types = tuple(getattr(type(target), "attachment_types", ()))
    images = [ext for ext in types if ext in uploads.IMAGE_TYPES]
    key = f"att-{type(target)._meta.model_name}-{target.pk}"
    return {
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        "target": target,
        "rights": granted,
        "count": len(current),
        "images": [row for row in current if row.is_image],
        "files": [row for row in current if not row.is_image],
        "withdrawn": [row for row in rows if row.is_withdrawn],
        "add_url": reverse("attachment_add", args=[attachments.label_of(type(target)), target.pk]),
        "key": key,
        "camera": bool(images),
        "accept": ",".join([*(uploads.CONTENT_TYPES[ext] for ext in images if ext != "jpeg"),
                            *(f".{ext}" for ext in types)]),
        "types_label": ", ".join(ext.upper() for ext in types if ext != "jpeg"),
        "has_images": bool(images),
        "max_bytes": settings.UPLOAD_MAX_BYTES,
        "image_max_bytes": settings.UPLOAD_IMAGE_MAX_BYTES,
        "max_files": settings.ATTACHMENT_MAX_FILES,
    }
