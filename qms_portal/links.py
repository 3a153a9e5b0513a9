"""A record's address without resolving its URL pattern each time.

``reverse()`` walks the URL patterns (about 20–40 µs a call); a list of 25 records, each linking to
its page, paid it 25 times per render. ``pk_url(viewname, pk)`` reverses the pattern once per
process (per view name, script prefix and URLconf) with a marker for the key, and then only puts
the key in its place: the same address ``reverse(viewname, args=[pk])`` gives, which a test checks.
Models use it in ``get_absolute_url``."""

from django.test.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf, reverse

_MARK = "2147480647"  # a key no record has, found once in the reversed address
_SHAPES = {}


def pk_url(viewname, pk):
    key = (viewname, get_script_prefix(), get_urlconf())
    shape = _SHAPES.get(key)
    if shape is None:
        head, mark, tail = reverse(viewname, args=[int(_MARK)]).partition(_MARK)
        shape = _SHAPES[key] = (head, tail) if mark else None
        if shape is None:  # a pattern that does not show the key as it is: reverse every time
            _SHAPES.pop(key)
            return reverse(viewname, args=[pk])
    return f"{shape[0]}{int(pk)}{shape[1]}"


def forget():
    """Drop the shapes (a test that swaps the URLconf)."""
    _SHAPES.clear()


def _urlconf_changed(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        forget()


setting_changed.connect(_urlconf_changed)
