"""Several instances of the service on one PostgreSQL database (issue 11): two web instances (gunicorn,
on loopback ports) and one background worker (`manage.py db_worker`), as separate OS processes
sharing only the database and the file storage.

A version submitted through instance A has its files made by the worker and downloads through
instance B with the SHA-256 it was stored with; a draft PDF asked for on B while the worker is busy
with that version's files still arrives (a preview goes ahead of version files in the queue).
"""

import hashlib
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.db import connection

from plans.models import FileJob, Submission, SubmissionFile
from plans.workflow import services as workflow
from tests.conftest import DEMO_PASSWORD, ROOT
from tests.plans.workflow.test_workflow import NOTTS_CHAIR, NOTTS_EDITOR, person, sign_all_but_chair, sign_as

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="several processes share one PostgreSQL database"),
]

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RUTLAND_EDITOR = "editor@rutland.example.org"


def free_ports(count):
    """Loopback ports the operating system has free now (it picks them: never a skip)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One person's cookies against one instance."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(urllib.request.Request(self.base + path, data=body), timeout=60) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()

    def post_form(self, path, data=None):
        _, _, page = self.request(path)
        token = TOKEN.search(page.decode()).group(1)
        return self.request(path, {"csrfmiddlewaretoken": token, **(data or {})})

    def sign_in(self, email):
        status, headers, _ = self.post_form("/sign-in/", {"username": email, "password": DEMO_PASSWORD})
        assert status == 302, f"could not sign in as {email}"
        return self


def database_url():
    s = connection.settings_dict
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def wait_until(check, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        outcome = check()
        if outcome:
            return outcome
        time.sleep(0.5)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


@pytest.fixture
def instances(tmp_path):
    """Web instances A and B and one worker, each its own process; stopped afterwards."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_DEBUG": "0",
        "DB_CONN_MAX_AGE": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        # The shared file storage of a deployment (object storage); here one folder all three use.
        "MEDIA_ROOT": str(tmp_path / "uploads"),
        "PDF_CACHE_DIR": str(tmp_path / "pdf-cache"),
        "PYTHONPATH": str(ROOT),
    }
    ports = free_ports(2)
    processes = []
    logs = []
    for port in ports:
        log = open(tmp_path / f"web-{port}.log", "w")  # noqa: SIM115 - closed below
        logs.append(log)
        processes.append(
            subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "bcf.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
    worker_log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 - closed below
    logs.append(worker_log)
    processes.append(
        subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.2", "--no-startup-delay"],
            cwd=ROOT,
            env=env,
            stdout=worker_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    )
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for base in bases:

            def up(base=base):
                try:
                    with urllib.request.urlopen(base + "/ping", timeout=2) as response:
                        return response.status == 200
                except OSError:
                    return False

            wait_until(up, 60, f"{base} to answer")
        yield {"A": bases[0], "B": bases[1], "logs": tmp_path}
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        for log in logs:
            log.close()


def test_a_version_submitted_on_one_instance_is_rendered_by_the_worker_and_downloads_from_another(demo, instances):
    plan = workflow.plan_mark_ready(plan=demo["nottinghamshire"], user=person(NOTTS_EDITOR))
    plan = sign_as(NOTTS_CHAIR, sign_all_but_chair(plan))
    a = Browser(instances["A"]).sign_in(NOTTS_EDITOR)
    b = Browser(instances["B"]).sign_in(NOTTS_EDITOR)
    rutland_on_b = Browser(instances["B"]).sign_in(RUTLAND_EDITOR)

    started = time.monotonic()
    status, headers, _ = a.post_form(f"/plans/{plan.pk}/submit/")
    submit_seconds = time.monotonic() - started
    assert status == 302 and headers["Location"].endswith(f"/plans/{plan.pk}/submitted/")
    submission = Submission.objects.get(plan=plan)

    # While the worker makes the version's files, an editor of another plan asks B for a draft PDF.
    rutland = demo["rutland"]
    wait_until(lambda: FileJob.objects.filter(submission=submission, status="running").exists(), 60, "the worker")
    status, _, page = rutland_on_b.request(f"/plans/{rutland.pk}/part-1/")
    assert status == 200 and b"Preparing your document" in page

    def preview_ready():
        _, _, body = rutland_on_b.request(f"/plans/{rutland.pk}/part-1/status")
        return b'"status": "ready"' in body

    wait_until(preview_ready, 240, "the draft preview")
    status, headers, preview = rutland_on_b.request(f"/plans/{rutland.pk}/part-1.pdf")
    assert status == 200 and preview.startswith(b"%PDF-") and headers["Content-Type"] == "application/pdf"

    def version_ready():
        return SubmissionFile.objects.filter(submission=submission).count() == 3

    wait_until(version_ready, 240, "the version's three files")
    _, _, versions_on_b = b.request(f"/plans/{plan.pk}/versions/")
    assert b"Being prepared" not in versions_on_b
    for stored in SubmissionFile.objects.filter(submission=submission).defer("content"):
        status, headers, body = b.request(f"/plans/{plan.pk}/version/{stored.kind}/")
        assert status == 200, stored.kind
        assert hashlib.sha256(body).hexdigest() == stored.sha256 == headers["X-Content-SHA256"]
        assert stored.sha256.encode() in versions_on_b
        _, _, from_a = a.request(f"/plans/{plan.pk}/version/{stored.kind}/")
        assert from_a == body
    assert submit_seconds < 10  # the submit answered without waiting for a render
