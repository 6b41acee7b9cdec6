"""Backup and restore: pg_dump of the database (with the submitted versions' stored files) and the
uploads, restored into an empty database, reproduce the same plans and the same file hashes."""

import hashlib
import json
import os
import shutil
import subprocess
import sys

import psycopg2
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from bcf.core.jobs import run_jobs
from plans.models import RelatedDocument, SubmissionFile
from plans.workflow import services as workflow
from tests.conftest import ROOT

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed"),
]


def _manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


@pytest.mark.django_db(transaction=True)
def test_restore_into_an_empty_database_reproduces_plans_and_file_hashes(tmp_path, settings, demo):
    if connection.vendor != "postgresql":
        pytest.skip("backups use pg_dump: run with DATABASE_URL set to PostgreSQL (CI does)")
    settings.MEDIA_ROOT = tmp_path / "media"
    plan = demo["nottinghamshire"]
    RelatedDocument.objects.create(
        plan=plan,
        title="Governance",
        content_type="image/png",
        file=SimpleUploadedFile("g.png", b"\x89PNG\r\n\x1a\nimage-bytes"),
    )
    people = get_user_model().objects
    editor = people.get(email="editor@nottinghamshire.example.org")
    plan = workflow.plan_mark_ready(plan=plan, user=editor)
    signatories = people.filter(roles__hwb=plan.hwb, roles__role__in=["signatory", "chair"]).distinct()
    for signatory in sorted(signatories, key=lambda u: u.roles.filter(role="chair").exists()):
        keys = [o.key for o in workflow.organisations_for(signatory, plan)]
        if keys:
            plan = workflow.plan_sign(plan=plan, user=signatory, organisations=keys)
    workflow.plan_submit(plan=plan, user=editor)
    run_jobs()  # the worker stores the version's files
    stored = {f.filename: f.sha256 for f in SubmissionFile.objects.all()}
    assert stored

    db = connection.settings_dict
    base = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    env = {
        **os.environ,
        "DATABASE_URL": f"{base}/{db['NAME']}",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PYTHONPATH": str(ROOT),
    }
    backup = tmp_path / "backup"
    made = _manage("backup", str(backup), env=env)
    assert made.returncode == 0, made.stderr
    manifest = json.loads((backup / "manifest.json").read_text())
    assert {v["actual"] for v in manifest["submission_files"].values()} == set(stored.values())

    restored_name = f"{db['NAME']}_restored"
    admin = psycopg2.connect(f"{base}/postgres")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{restored_name}"')
        cur.execute(f'CREATE DATABASE "{restored_name}"')
    try:
        restored_media = tmp_path / "restored-media"
        restore_env = {**env, "DATABASE_URL": f"{base}/{restored_name}", "MEDIA_ROOT": str(restored_media)}
        done = _manage("restore", str(backup), env=restore_env)
        assert done.returncode == 0, done.stderr
        assert "submission files" in done.stdout

        original = _manage("export_plan", str(plan.pk), "--format", "json", "-o", "-", env=env).stdout
        again = _manage("export_plan", str(plan.pk), "--format", "json", "-o", "-", env=restore_env).stdout
        assert json.loads(again) == json.loads(original)
        files = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in restored_media.rglob("*") if p.is_file()}
        assert files and set(files.values()) == {
            hashlib.sha256(p.read_bytes()).hexdigest() for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()
        }
        refused = _manage("restore", str(backup), env=restore_env)
        assert refused.returncode != 0 and "not empty" in refused.stderr
    finally:
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)')
        admin.close()
