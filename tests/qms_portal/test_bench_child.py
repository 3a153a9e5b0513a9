"""Measuring a command in a process of its own (qms_portal/bench/child.py): the peak memory is the
child's own, whatever the size of the process that measures it."""

from qms_portal.bench.child import run_child

BIG = "data = b'x' * (200 * 1024 * 1024); print('{\"ok\": true}')"
SMALL = "print('{\"ok\": true}')"


def test_the_peak_is_the_childs_own_and_not_the_measuring_processs():
    big = run_child(["shell", "-c", BIG])
    assert big["returncode"] == 0 and big["output"] == {"ok": True}
    assert big["peak_mb"] >= 200 and big["seconds"] > 0
    ballast = b"y" * (300 * 1024 * 1024)  # the measuring process grows (as the bench does)
    small = run_child(["shell", "-c", SMALL])
    assert len(ballast) and small["returncode"] == 0
    assert small["peak_mb"] < 150, small  # neither the earlier child's 200 MB nor this process's 300 MB


def test_a_failing_command_reports_its_status_and_the_end_of_its_errors():
    failed = run_child(["shell", "-c", "raise SystemExit('the job failed: no fonts')"])
    assert failed["returncode"] != 0 and "no fonts" in failed["stderr"]
