"""The competence part of ``manage.py bench`` (in ``training.bench.TrainingBench``): the
qualifications list (default, expiring within 90 days, searched by person), the requirements list,
"My training" of the bench user, and the expiry sweep at the data's size (``manage.py
bench_qualification_sweep``, in a process of its own: time, peak memory, messages)."""

from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse

from qms_portal.bench import sweeps
from qms_portal.bench.tools import BenchPages

from .models import Qualification

COMMAND = "bench_qualification_sweep"


def _url(name, *args, query=None):
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode(query)}" if query else url


class Bench(BenchPages):
    def add_arguments(self, parser):
        parser.add_argument("--qualification-q", default="nguyen", help="Person searched in the qualifications list.")
        parser.add_argument("--no-qualification-sweep", action="store_true",
                            help="Skip the qualifications' expiry sweep (also skipped by --no-sweep).")

    def pages(self, user, options):
        pages = [
            ("qualifications", _url("training:qualification_list")),
            ("qualifications ?expiring", _url("training:qualification_list", query={"state": "expiring"})),
            ("qualifications ?q=", _url("training:qualification_list",
                                        query={"q": options.get("qualification_q") or "nguyen"})),
            ("competence requirements", _url("training:requirement_list")),
            ("my training", _url("training:my_training")),
        ]
        return [(name, url) for name, url in pages if url]

    def measure(self, *, user, options, runs, warmup, secure):
        if options.get("no_sweep") or options.get("no_qualification_sweep") or not Qualification.objects.exists():
            return None
        return {"qualification_sweep": sweeps.measure_command(COMMAND)}

    def format(self, result):
        return sweeps.format_sweep((result or {}).get("qualification_sweep"),
                                   title="qualifications' expiry sweep", command=COMMAND,
                                   due="{due_rows} qualifications expiring within 90 days, {claimed} stages claimed "
                                       "in {batches} batches")

    def problems(self, result):
        sweep = (result or {}).get("qualification_sweep") or {}
        return [f"qualification expiry sweep ({sweep['error']})"] if sweep.get("error") else []
