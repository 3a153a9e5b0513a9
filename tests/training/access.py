"""The training area's rows of the access matrix (``tests/qms_portal/test_access_matrix.py``),
composed from each part's own module (``tests/training/access_<part>.py``), which defines any of
``ROWS``, ``POST_DATA``, ``LISTS``, ``SPOT_CHECKS``, ``make_objects(tree, unit, grantee=None,
objects=None)`` (``objects``: what the earlier parts made on this unit) and ``url_kwargs(name, obj)``
(returning ``None`` for a name it does not know)."""

from qms_portal.areas import import_parts
from training.apps import PARTS as _PART_NAMES

PARTS = import_parts("tests.training.access_{}", _PART_NAMES)

ROWS, POST_DATA, LISTS, SPOT_CHECKS = {}, {}, {}, {}
for _module in PARTS:
    ROWS.update(getattr(_module, "ROWS", {}))
    POST_DATA.update(getattr(_module, "POST_DATA", {}))
    LISTS.update(getattr(_module, "LISTS", {}))
    SPOT_CHECKS.update(getattr(_module, "SPOT_CHECKS", {}))


def make_objects(tree, unit, grantee=None):
    objects = {}
    for module in PARTS:
        if hasattr(module, "make_objects"):
            objects.update(module.make_objects(tree, unit, grantee=grantee, objects=objects))
    return objects


def url_kwargs(name, obj):
    for module in PARTS:
        if hasattr(module, "url_kwargs"):
            found = module.url_kwargs(name, obj)
            if found is not None:
                return found
    return {}


def make_global_objects(tree):
    """The objects that belong to no unit (the catalogue's competences and courses), from the parts
    that define ``make_global_objects(tree)``."""
    objects = {}
    for module in PARTS:
        if hasattr(module, "make_global_objects"):
            objects.update(module.make_global_objects(tree))
    return objects
