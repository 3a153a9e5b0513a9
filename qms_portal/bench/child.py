"""Time and peak memory of one management command run in a process of its own, as a worker or a
web worker would run it: ``run_child(["run_job", …])``.

The peak is the child's maximum resident set size as the kernel accounts it (``ru_maxrss``). A
process started straight from this one would not give its own: Linux carries the high-water mark
across ``exec``, and a child forked (or vforked) from a large process such as the bench (100 MB and
more once it has rendered pages) starts with that process's pages counted. So the command runs
under a small spawner (a bare Python, without Django): the spawner starts it, waits for it —
its only child — and reads its peak with ``resource.getrusage(RUSAGE_CHILDREN)``, which then is
exactly that child's, unaffected by the bench's own size."""

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

from django.conf import settings


def _megabytes(maxrss):
    # Linux counts ru_maxrss in kilobytes, macOS in bytes.
    return round(maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


# Runs as ``python -c SPAWNER <result file> <command…>``: the command's output passes through.
SPAWNER = """
import json, resource, subprocess, sys
status = subprocess.call(sys.argv[2:])
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
with open(sys.argv[1], "w") as result:
    json.dump({"status": status, "maxrss": peak}, result)
sys.exit(status)
"""


def run_child(args, *, timeout=1800, env=None):
    """Run ``manage.py <args>`` in a new Python process. Returns ``{"returncode", "seconds",
    "peak_mb", "output" (the last line of its standard output, parsed as JSON when it is),
    "stderr" (its end)}``."""
    with tempfile.TemporaryFile() as errors, tempfile.NamedTemporaryFile("r", suffix=".json") as result:
        start = time.perf_counter()
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-c", SPAWNER, result.name, sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR, stdout=subprocess.PIPE, stderr=errors, env=env or os.environ.copy(),
            start_new_session=True)
        timer = threading.Timer(timeout, os.killpg, (process.pid, signal.SIGKILL))  # the spawner and the command
        timer.start()
        try:
            stdout = process.stdout.read()
            process.stdout.close()
            process.wait()
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
        errors.seek(0)
        stderr = errors.read().decode(errors="replace")[-2000:]
        measured = json.loads(result.read() or "{}")
    lines = stdout.decode(errors="replace").strip().splitlines()
    try:
        output = json.loads(lines[-1]) if lines else None
    except ValueError:
        output = lines[-1]
    peak = measured.get("maxrss")
    return {"returncode": process.returncode, "seconds": round(seconds, 2),
            "peak_mb": _megabytes(peak) if peak is not None else None, "output": output, "stderr": stderr}
