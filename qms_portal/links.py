"""A record's address without resolving its URL pattern each time.

``reverse()`` walks the URL patterns (about 20–40 µs a call); a list of 25 records, each linking to
its page, paid it 25 times per render (a checklist of 200 questions, 1,600 times). ``pk_url(viewname,
pk, …)`` reverses the pattern once per process (per view name, script prefix and URLconf) with a
marker for each key, and then only puts the keys in their places: the same address
``reverse(viewname, args=[pk, …])`` gives, which a test checks. Models use it in
``get_absolute_url``."""

from django.test.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf, reverse

_MARKS = ("2147480647", "2147480629", "2147480611")  # keys no record has, each found once in the address
_SHAPES = {}


def pk_url(viewname, *pks):
    """``reverse(viewname, args=pks)`` for integer keys (none — a register's address, linked from
    every cell of a dashboard — to three: an audit and its question)."""
    key = (viewname, len(pks), get_script_prefix(), get_urlconf())
    shape = _SHAPES.get(key)
    if shape is None:
        shape = _shape(viewname, len(pks))
        if shape is None:  # a pattern that does not show the keys as they are: reverse every time
            return reverse(viewname, args=list(pks))
        _SHAPES[key] = shape
    parts = [shape[0]]
    for pk, rest in zip(pks, shape[1:], strict=True):
        parts.append(str(int(pk)))
        parts.append(rest)
    return "".join(parts)


def _shape(viewname, count):
    """The address split around its keys: ``[head, between…, tail]``, or None."""
    if not 0 <= count <= len(_MARKS):
        return None
    rest, shape = reverse(viewname, args=[int(m) for m in _MARKS[:count]]), []
    for mark in _MARKS[:count]:
        before, found, rest = rest.partition(mark)
        if not found:
            return None
        shape.append(before)
    shape.append(rest)
    return shape


_FILTERED = {}


def unit_register(viewname, unit, **params):
    """A register's address filtered by ``params`` and to ``unit`` with its sub-units (the
    registers' ``unit`` filter), ``unit=`` last: what the steering committee's dashboard links from
    each cell. The part before the unit's id is written once per register and parameters (a
    dashboard of 250 units writes some 5,000 of them: ``urlencode`` on each cost a third of a
    second); the values are written as ``urlencode`` writes them."""
    from urllib.parse import urlencode

    key = (viewname, tuple(params.items()), get_script_prefix(), get_urlconf())
    head = _FILTERED.get(key)
    if head is None:
        if len(_FILTERED) > 4096:  # the parameters hold periods and years: keep the cache bounded
            _FILTERED.clear()
        head = _FILTERED[key] = f"{pk_url(viewname)}?{urlencode(params)}{'&' if params else ''}unit="
    return f"{head}{int(unit.id)}"


def forget():
    """Drop the shapes (a test that swaps the URLconf)."""
    _SHAPES.clear()
    _FILTERED.clear()


def _urlconf_changed(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        forget()


setting_changed.connect(_urlconf_changed)
