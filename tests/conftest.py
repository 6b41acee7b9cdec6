import importlib
import json
import os
from pathlib import Path

import pytest
from django.core.management import call_command

from plans.models import Plan

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "fixtures" / "demo"
SEEDS = ROOT.parent / "shared" / "seeds"
DEMO_PASSWORD = "bcf-demo-2014"


def demo_document(name):
    return json.loads((DEMO / f"{name}.json").read_text())


@pytest.fixture
def demo(db):
    """The three demo plans and every demo account, loaded as `make run` loads them."""
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return {
        "cheshire-east": Plan.objects.get(hwb__name__startswith="Cheshire East"),
        "nottinghamshire": Plan.objects.get(hwb__name__startswith="Nottinghamshire"),
        "rutland": Plan.objects.get(hwb__name__startswith="Rutland"),
    }


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


def _hypothesis_profiles():
    """CI runs a fixed set of examples (a red build is always reproducible); local runs explore."""
    from hypothesis import settings as hypothesis_settings

    hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
    if os.environ.get("CI"):
        hypothesis_settings.load_profile("ci")


_hypothesis_profiles()


@pytest.fixture(autouse=True)
def _pdf_cache_in_tmp(settings, tmp_path_factory):
    """Rendered PDFs go to a throwaway folder, never the developer's var/pdf-cache."""
    settings.PDF_CACHE_DIR = tmp_path_factory.mktemp("pdf-cache")
    settings.STORAGES = {
        **settings.STORAGES,
        "pdf_cache": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(settings.PDF_CACHE_DIR)},
        },
    }


@pytest.fixture(autouse=True)
def _reference_data_outlives_flush(request, django_db_blocker):
    """A transactional test (browser, several instances) ends by flushing every table, which also
    empties the reference data the migrations put in: the reporting periods of the quarterly returns.
    Every test that uses the database finds them there (put back when a flush took them)."""
    uses_db = bool(
        {"db", "transactional_db"} & set(request.fixturenames) or request.node.get_closest_marker("django_db")
    )
    if uses_db:
        request.getfixturevalue("django_db_setup")
        from django.apps import apps

        from plans.models import ReturnPeriod

        with django_db_blocker.unblock():
            if not ReturnPeriod.objects.exists():
                importlib.import_module("plans.migrations.0015_return_periods").add_periods(apps, None)
    yield


@pytest.fixture
def run_jobs():
    """Run the queued background jobs now, with the database backend's own worker (batch mode)."""
    from bcf.core.jobs import run_jobs

    return run_jobs


_WORKER_LINES = []


def pytest_sessionfinish(session):
    """Under pytest-xdist, a worker hands its hostile-input counts to the controller."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        from tests.hostile import summary_lines

        workeroutput["hostile"] = summary_lines()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    _WORKER_LINES.extend(getattr(node, "workeroutput", {}).get("hostile", []))


def pytest_terminal_summary(terminalreporter):
    """The hostile-input tests' counts (tried, refused, accepted, 500s, partial saves), for the record."""
    from tests.hostile import summary_lines

    lines = summary_lines() + _WORKER_LINES
    if lines:
        terminalreporter.section("hostile input")
        for line in lines:
            terminalreporter.write_line(line)
