"""``manage.py runportal`` (``make run``): the web server and the worker it starts write e-mail
links to the address the portal listens on, unless ``QMS_SITE_URL`` says otherwise."""

import socket

import pytest
from django.core.management import CommandError, call_command

from qms_portal.management.commands import runportal
from qms_portal.management.commands.runportal import child_environment, site_url_for


def test_the_links_use_the_port_the_portal_listens_on(monkeypatch):
    monkeypatch.delenv("QMS_SITE_URL", raising=False)
    env = child_environment("127.0.0.1", 8101)
    assert env["QMS_SITE_URL"] == "http://127.0.0.1:8101"
    assert env["PATH"]  # the rest of the environment is passed on


def test_a_given_site_url_is_kept(monkeypatch):
    monkeypatch.setenv("QMS_SITE_URL", "https://qms.example.gov.vn/")
    assert child_environment("127.0.0.1", 8101)["QMS_SITE_URL"] == "https://qms.example.gov.vn"
    assert child_environment("127.0.0.1", 8101, environ={"QMS_SITE_URL": " "})["QMS_SITE_URL"] == \
        "http://127.0.0.1:8101"  # empty: as if not given


def test_listening_on_every_address_the_links_name_this_machine():
    assert site_url_for("0.0.0.0", 8000) == f"http://{socket.getfqdn()}:8000"  # noqa: S104
    assert site_url_for("::1", 8101) == "http://[::1]:8101"
    assert site_url_for("qms.local", 80) == "http://qms.local:80"


def test_the_web_server_and_the_worker_both_get_it(monkeypatch, settings, tmp_path):
    monkeypatch.delenv("QMS_SITE_URL", raising=False)
    settings.VAR_DIR = tmp_path
    started = {}

    class Exited:
        pid = -1

        def poll(self):
            return 0

    def spawn(command, cmd, cwd, env):
        started[" ".join(cmd)] = env
        return Exited()

    monkeypatch.setattr(runportal.Command, "_check_port_free", lambda self, host, port: None)
    monkeypatch.setattr(runportal.Command, "_spawn", spawn)
    monkeypatch.setattr(runportal.Command, "_stop_all", lambda self, children: None)  # nothing really started
    with pytest.raises(CommandError, match="exited"):
        call_command("runportal", "--port", "8101", "--noreload")
    assert len(started) == 2
    web = next(env for cmd, env in started.items() if "runserver" in cmd)
    worker = next(env for cmd, env in started.items() if "worker" in cmd)
    assert web["QMS_SITE_URL"] == worker["QMS_SITE_URL"] == "http://127.0.0.1:8101"
