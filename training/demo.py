"""The training area's demo data: each part adds its own (``training/demo_<part>.py``: ``seed(demo)``),
in order, sharing one ``dict`` (``demo``) for what a later part builds on (the courses, sessions and people it made)."""

from qms_portal.areas import import_parts

from .apps import PARTS


def seed(language="en"):
    demo = {"language": language}
    return sum(module.seed(demo) or 0 for module in import_parts("training.demo_{}", PARTS))
