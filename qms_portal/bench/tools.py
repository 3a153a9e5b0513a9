"""What an area's benchmark tools look like. An area registers the dotted path of each
(``areas.register(scale="documents.scale.DocumentsScale", bench="documents.bench.DocumentsBench")``);
the management commands ``seed_scale`` and ``bench`` import and instantiate them, the web process
never does."""


class ScaleBuilder:
    """An area's province-sized data, built by ``manage.py seed_scale`` after the core's tree and
    people (``qms_portal.bench.scale.build_scale``), in the same transaction."""

    def add_arguments(self, parser):
        """The area's own options of ``seed_scale`` (``--documents``…)."""

    def check(self, options):
        """Refuse impossible numbers: raise ``ValueError`` with the message for the user."""

    def build(self, *, root, options, acting_user):
        """Fill the area under ``root``; return a summary (a dict) for ``describe``."""
        return {}

    def describe(self, summary):
        """Lines that tell what was built."""
        return []

    def analyze_models(self):
        """The models whose tables ``build`` fills (PostgreSQL ANALYZEs them after the load)."""
        return []

    def data_size(self):
        """``{name: count}`` of the area's main tables, printed with the benchmark."""
        return {}


class BenchPages:
    """An area's pages in ``manage.py bench`` and anything it measures apart (a PDF, an export)."""

    def add_arguments(self, parser):
        """The area's own options of ``bench``."""

    def pages(self, user, options):
        """``[(name, url)]`` of the area's main pages, timed in the round robin with the core's."""
        return []

    def measure(self, *, user, options, runs, warmup, secure):
        """Something measured apart from the round robin (JSON-ready dict), or None."""
        return None

    def format(self, result):
        """Lines for the table of what ``measure`` returned."""
        return []

    def problems(self, result):
        """What in ``result`` should make the command fail (a list of short texts)."""
        return []
