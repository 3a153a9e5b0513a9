"""Run the whole embedded portal: the development web server and a Celery worker with beat.

Both run as child processes, each in its own session, so that Ctrl-C reaches this command only and
it stops them in order. When either child dies, the other is stopped and the command fails.

Links in e-mails and token pages use ``QMS_SITE_URL``. Unless it is set, both children get it from
the address the portal listens on (``--host``/``--port``: ``make run PORT=8101`` writes
``http://127.0.0.1:8101/…`` links); listening on every address (0.0.0.0, ::), the links name this
machine (its host name), which the people receiving them must be able to reach.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

POLL_SECONDS = 0.5
STOP_TIMEOUT_SECONDS = 20


def _die_with_parent():
    """In the child, before exec: get SIGTERM if this command is killed without cleaning up (Linux)."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


def _celery_command():
    celery = Path(sys.executable).with_name("celery")
    return [str(celery)] if celery.exists() else [sys.executable, "-m", "celery"]


def _format_login(entry):
    """(username, password, description…) or a dict of the same, as one aligned line."""
    values = list(entry.values()) if isinstance(entry, dict) else entry
    if not isinstance(values, list | tuple):
        return str(entry)
    cells = [str(value) for value in values]
    return "  ".join(cell.ljust(14) for cell in cells[:2]) + "".join(f"  {cell}" for cell in cells[2:])


WILDCARD_HOSTS = {"0.0.0.0", "::", ""}  # noqa: S104 - hosts compared with, not bound to


def site_url_for(host, port):
    """The address e-mail links use when the portal listens on ``host``:``port``."""
    if host in WILDCARD_HOSTS:
        host = socket.getfqdn() or "localhost"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def child_environment(host, port, environ=None):
    """The environment of the web server and the worker: this one, with ``QMS_SITE_URL`` set from
    the address listened on unless it was given."""
    env = dict(os.environ if environ is None else environ)
    if not env.get("QMS_SITE_URL", "").strip():
        env["QMS_SITE_URL"] = site_url_for(host, port)
    env["QMS_SITE_URL"] = env["QMS_SITE_URL"].rstrip("/")
    return env


class Command(BaseCommand):
    help = "Run the development web server and a Celery worker with embedded beat, and stop both together."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1).")
        parser.add_argument("--port", type=int, default=8000, help="Port to listen on (default 8000).")
        parser.add_argument("--noreload", action="store_true", help="Run the web server without autoreload.")

    def handle(self, *args, host, port, noreload, **options):
        self._check_port_free(host, port)
        celery_dir = Path(settings.VAR_DIR) / "celery"
        for sub in ("queue", "processed"):
            (celery_dir / sub).mkdir(parents=True, exist_ok=True)

        addr = f"[{host}]" if ":" in host else host
        url = f"http://{addr}:{port}/"
        env = child_environment(host, port)
        self._print_banner(url, env["QMS_SITE_URL"])

        base = Path(settings.BASE_DIR)
        web_cmd = [sys.executable, str(base / "manage.py"), "runserver", f"{addr}:{port}"]
        if noreload:
            web_cmd.append("--noreload")
        worker_cmd = [
            *_celery_command(), "-A", "qms_portal", "worker", "-B", "-l", "info",
            "--concurrency", "2", "-s", str(celery_dir / "beat-schedule"),
        ]

        self._stop_signal = None
        previous = {sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
        children = {}
        try:
            children["web server"] = self._spawn(web_cmd, base, env)
            children["celery worker"] = self._spawn(worker_cmd, base, env)
            dead = self._wait(children)
        finally:
            self._stop_all(children)
            for sig, handler in previous.items():
                signal.signal(sig, handler)

        if dead is not None:
            name, code = dead
            raise CommandError(f"The {name} exited (code {code}); the portal was stopped.")
        self.stdout.write("Portal stopped.")

    # --- children ----------------------------------------------------------------------------
    def _spawn(self, cmd, cwd, env):
        return subprocess.Popen(cmd, cwd=cwd, env=env, start_new_session=True,  # noqa: S603
                                preexec_fn=_die_with_parent)

    def _on_signal(self, signum, frame):
        self._stop_signal = signum

    def _wait(self, children):
        """Block until a signal arrives (None) or a child exits ((name, returncode))."""
        while self._stop_signal is None:
            for name, proc in children.items():
                code = proc.poll()
                if code is not None:
                    return name, code
            time.sleep(POLL_SECONDS)
        self.stdout.write(f"\nReceived {signal.Signals(self._stop_signal).name}: stopping the portal…")
        return None

    def _stop_all(self, children):
        # The web server (with its autoreloader child) stops at once on SIGTERM to its group; the
        # Celery worker gets SIGTERM on its main process, a warm shutdown that stops pool and beat.
        for name, proc in children.items():
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    if name == "web server":
                        os.killpg(proc.pid, signal.SIGTERM)
                    else:
                        proc.terminate()
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        for name, proc in children.items():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.stderr.write(f"The {name} did not stop in {STOP_TIMEOUT_SECONDS}s: killing it.")
        # Whatever is left in either process group (a stuck pool process, a reloader child) goes.
        for proc in children.values():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    # --- output ------------------------------------------------------------------------------
    def _check_port_free(self, host, port):
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, port))
            except OSError as error:
                raise CommandError(f"Cannot listen on {host}:{port} ({error.strerror}). Use --port.")

    def _print_banner(self, url, site_url):
        write = self.stdout.write
        write("")
        write(self.style.SUCCESS(f"QMS Portal: {url}"))
        write(f"Links in e-mails: {site_url}/ (set QMS_SITE_URL to change)")
        logins = self._demo_logins()
        if logins:
            write("Demo logins:")
            for entry in logins:
                write(f"  {_format_login(entry)}")
        write(self._pdf_status())
        write("Stop with Ctrl-C.")
        write("")
        self.stdout.flush()

    def _demo_logins(self):
        try:
            from qms_portal.demo import DEMO_LOGINS
        except ImportError:
            return []
        if isinstance(DEMO_LOGINS, dict):
            return list(DEMO_LOGINS.items())
        return list(DEMO_LOGINS)

    def _pdf_status(self):
        from qms_portal.pdf import cjk_fonts_missing, weasyprint_problem

        problem = weasyprint_problem()
        if problem:
            return self.style.WARNING(f"PDF: NOT AVAILABLE. {problem}")
        if cjk_fonts_missing():
            return self.style.WARNING(
                "PDF: works, but Chinese text will not render: apt-get install fonts-noto-cjk"
            )
        return "PDF: works (WeasyPrint and the Noto Sans CJK fonts are installed)."
