"""Province-sized training data for ``manage.py seed_scale``: each part builds its own
(``training/scale_<part>.py``: ``Scale``, a ``qms_portal.bench.tools.ScaleBuilder``)."""

from qms_portal.bench.tools import ScaleParts

from .apps import PARTS


class TrainingScale(ScaleParts):
    label, parts = "training", PARTS
