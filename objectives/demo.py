"""The objectives area's demo data: each part adds its own (``objectives/demo_<part>.py``: ``seed(demo)``),
in order, sharing one ``dict`` (``demo``) for what a later part builds on (the objectives and indicators it made)."""

from qms_portal.areas import import_parts

from .apps import PARTS


def seed(language="en"):
    demo = {"language": language}
    return sum(module.seed(demo) or 0 for module in import_parts("objectives.demo_{}", PARTS))
