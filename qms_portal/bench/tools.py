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


class _Parts:
    """The builders of an area made of parts: ``<label>.<module>_<part>`` defines ``<cls>`` for each
    part that has one (``objectives.scale_kpi.Scale``…), instantiated once, in the parts' order."""

    label = ""
    parts = ()
    module = ""
    cls = ""

    def builders(self):
        if not hasattr(self, "_builders"):
            from qms_portal.areas import import_parts

            modules = import_parts(f"{self.label}.{self.module}_{{}}", self.parts)
            self._builders = [(m.__name__.rsplit("_", 1)[1], getattr(m, self.cls)()) for m in modules]
        return self._builders


class ScaleParts(_Parts, ScaleBuilder):
    """An area's scale builder made of its parts' (``<label>/scale_<part>.py``: ``Scale``); each
    builds after the one before, and the summary keeps each part's under its name."""

    module, cls = "scale", "Scale"

    def add_arguments(self, parser):
        for _name, builder in self.builders():
            builder.add_arguments(parser)

    def check(self, options):
        for _name, builder in self.builders():
            builder.check(options)

    def build(self, *, root, options, acting_user):
        chosen = (options.get("only_parts") or {}).get(self.label)  # ``seed_scale --only area.part``
        return {name: builder.build(root=root, options=options, acting_user=acting_user)
                for name, builder in self.builders() if chosen is None or name in chosen}

    def describe(self, summary):
        return [line for name, builder in self.builders() if name in summary
                for line in builder.describe(summary[name])]

    def analyze_models(self):
        return [model for _name, builder in self.builders() for model in builder.analyze_models()]

    def data_size(self):
        return {key: value for _name, builder in self.builders() for key, value in builder.data_size().items()}


class BenchParts(_Parts, BenchPages):
    """An area's bench made of its parts' (``<label>/bench_<part>.py``: ``Bench``): their pages in
    order, and what each measures apart under its name."""

    module, cls = "bench", "Bench"

    def add_arguments(self, parser):
        for _name, bench in self.builders():
            bench.add_arguments(parser)

    def pages(self, user, options):
        return [page for _name, bench in self.builders() for page in bench.pages(user, options)]

    def measure(self, *, user, options, runs, warmup, secure):
        results = {name: bench.measure(user=user, options=options, runs=runs, warmup=warmup, secure=secure)
                   for name, bench in self.builders()}
        results = {name: result for name, result in results.items() if result is not None}
        return results or None

    def format(self, result):
        return [line for name, bench in self.builders() if name in result for line in bench.format(result[name])]

    def problems(self, result):
        return [problem for name, bench in self.builders() if name in result
                for problem in bench.problems(result[name])]


def scale_actor(acting_user=None):
    """Who generated rows are made by (and their history names): the caller, else the first active
    superuser, else the portal's own account — a database just migrated has no superuser, and a
    builder that goes through a service (the training catalogue) needs someone allowed."""
    from ..models import User
    from ..services import system_user

    return (acting_user or User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
            or system_user())
