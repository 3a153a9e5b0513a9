"""Template helpers of the plan part: a competence's name kept in the four languages (a frozen review
input stores them all) in the reader's, and the plan items a session is linked to (its page's panel)."""

from django import template
from django.utils import translation

register = template.Library()


@register.filter
def in_language(names):
    """``{{ entry.names|in_language }}``: the name in the active language, else the English one."""
    if not isinstance(names, dict):
        return names or ""
    language = (translation.get_language() or "en").replace("-", "_").lower()
    return names.get(language) or names.get("en") or ""


@register.simple_tag(takes_context=True)
def plan_items_for(context, session):
    """The plan items (of the plans the reader may see) ``session`` is linked to."""
    from ..selectors.plan import plan_items_for_session

    user = context.get("user") or getattr(context.get("request"), "user", None)
    if user is None or not user.has_perm("training.view_planitem"):
        return []
    return plan_items_for_session(session, user)
