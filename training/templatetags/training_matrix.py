"""``user|reads_training_matrix``: whether the menu offers the training matrix (training.view_qualification
held through a role, not only on one's own qualifications). No query: the reader's role grants are
read once per request."""

from django import template

from qms_portal.permissions import role_grants

from ..selectors.matrix import PERMISSION

register = template.Library()


@register.filter
def reads_training_matrix(user):
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or bool(role_grants(user).get(PERMISSION))
