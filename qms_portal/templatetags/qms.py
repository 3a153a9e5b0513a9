"""Template helpers. ``{% if user|may:"change"|on:obj %}`` asks the one permission mechanism."""

from django import template

from ..permissions import can

register = template.Library()


class _Ask:
    def __init__(self, user, action):
        self.user, self.action = user, action


@register.filter
def may(user, action):
    return _Ask(user, action)


@register.filter
def on(ask, obj):
    return can(ask.user, ask.action, obj)


@register.filter
def has_perm(user, perm):
    """Held anywhere (for navigation)."""
    return user.has_perm(perm)


@register.simple_tag(takes_context=True)
def nav_active(context, *prefixes):
    path = context["request"].path
    return "active" if any(path.startswith(p) for p in prefixes) else ""


@register.simple_tag
def signatures(obj):
    """The signed transitions of a record: who signed, when, and what the signature means."""
    from ..workflow import transitions_of

    return transitions_of(obj).exclude(signature_meaning="")
