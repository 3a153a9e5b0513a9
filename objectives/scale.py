"""Province-sized objectives data for ``manage.py seed_scale``: each part builds its own
(``objectives/scale_<part>.py``: ``Scale``, a ``qms_portal.bench.tools.ScaleBuilder``)."""

from qms_portal.bench.tools import ScaleParts

from .apps import PARTS


class ObjectivesScale(ScaleParts):
    label, parts = "objectives", PARTS
