"""The training area's part of ``manage.py bench``: each part names its pages and what it
measures apart (``training/bench_<part>.py``: ``Bench``, a ``qms_portal.bench.tools.BenchPages``)."""

from qms_portal.bench.tools import BenchParts

from .apps import PARTS


class TrainingBench(BenchParts):
    label, parts = "training", PARTS
