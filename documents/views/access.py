"""Reading what was distributed to you.

``ScopedMixin`` answers 403 when the user holds the page's permission nowhere. A document is
distributed to people by unit, role or name whether or not they hold a role that grants
``view_document`` (a new official without roles yet, a person from another unit), and
``Document.scope_extra`` / ``Revision.scope_extra`` let them read what was distributed to them. The
"held nowhere" check must agree, or the read-and-acknowledge task they are given leads to a 403.
"""

from qms_portal.views.generic import ScopedMixin

from ..models import Acknowledgement


def is_recipient(user):
    return bool(user.is_authenticated and user.is_active
                and Acknowledgement.objects.filter(user=user).exists())


class RecipientReadMixin:
    """For "view" pages of documents and revisions: a recipient passes the "held anywhere" check;
    the object (or list) is still fetched through ``restrict()``, so they see only what was
    distributed to them (404 for anything else)."""

    def dispatch(self, request, *args, **kwargs):
        if self.action == "view" and not request.user.has_perm(self.get_permission()) and is_recipient(request.user):
            return super(ScopedMixin, self).dispatch(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)
