"""The access-matrix rows of an area built in parts (``tests/<area>/access.py``), composed from each
part's own module (``tests/<area>/access_<part>.py``), which defines any of ``ROWS``, ``POST_DATA``,
``LISTS``, ``SPOT_CHECKS``, ``THROUGH``, ``make_objects(tree, unit, grantee=None, objects=None)``
(``objects``: what the earlier parts made on this unit), ``make_global_objects(tree)`` (what belongs
to no unit) and ``url_kwargs(name, obj)`` (returning ``None`` for a name it does not know)."""

from types import SimpleNamespace

from qms_portal.areas import import_parts


def compose(label):
    """The area's table: ``ROWS``, ``POST_DATA``, ``LISTS``, ``SPOT_CHECKS``, ``THROUGH`` joined, and
    ``make_objects``, ``make_global_objects`` and ``url_kwargs`` that ask each part in turn."""
    parts = import_parts(f"tests.{label}.access_{{}}", _part_names(label))
    table = SimpleNamespace(PARTS=parts, ROWS={}, POST_DATA={}, LISTS={}, SPOT_CHECKS={}, THROUGH={})
    for module in parts:
        for name in ("ROWS", "POST_DATA", "LISTS", "SPOT_CHECKS", "THROUGH"):
            getattr(table, name).update(getattr(module, name, {}))

    def make_objects(tree, unit, grantee=None):
        objects = {}
        for module in parts:
            if hasattr(module, "make_objects"):
                objects.update(module.make_objects(tree, unit, grantee=grantee, objects=objects))
        return objects

    def make_global_objects(tree):
        objects = {}
        for module in parts:
            if hasattr(module, "make_global_objects"):
                objects.update(module.make_global_objects(tree))
        return objects

    def url_kwargs(name, obj):
        for module in parts:
            if hasattr(module, "url_kwargs"):
                found = module.url_kwargs(name, obj)
                if found is not None:
                    return found
        return {}

    table.make_objects, table.make_global_objects, table.url_kwargs = make_objects, make_global_objects, url_kwargs
    return table


def _part_names(label):
    from importlib import import_module

    return import_module(f"{label}.apps").PARTS
