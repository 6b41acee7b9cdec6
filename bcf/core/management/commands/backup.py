"""Back up the service: the PostgreSQL database (pg_dump, custom format, which holds the submitted
versions' stored files) and the uploaded files, with a manifest of SHA-256 hashes to verify a restore."""

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection


def pg_environment():
    """libpq settings for pg_dump/pg_restore from the default database."""
    db = connection.settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise CommandError("Backups use pg_dump: set DATABASE_URL to the PostgreSQL database")
    env = dict(os.environ)
    for key, name in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if db.get(name):
            env[key] = str(db[name])
    return env, db["NAME"]


def file_hashes(root):
    root = Path(root)
    hashes = {}
    if root.exists():
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            hashes[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


def submission_hashes():
    """SHA-256 of every stored file of every submitted version, read back from the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('plans_submissionfile') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return {}
        cursor.execute("SELECT id, filename, sha256, content FROM plans_submissionfile ORDER BY id")
        return {
            f"{row[0]}:{row[1]}": {"stored": row[2], "actual": hashlib.sha256(bytes(row[3])).hexdigest()}
            for row in cursor.fetchall()
        }


class Command(BaseCommand):
    help = "Back up the database (pg_dump) and the uploaded files into a new folder, with a manifest."

    def add_arguments(self, parser):
        parser.add_argument("output", help="Folder to create for this backup")

    def handle(self, *args, output, **options):
        target = Path(output)
        if target.exists() and any(target.iterdir()):
            raise CommandError(f"{target} is not empty")
        executable = shutil.which("pg_dump")
        if executable is None:
            raise CommandError("pg_dump is not installed (Debian package postgresql-client)")
        env, name = pg_environment()
        target.mkdir(parents=True, exist_ok=True)
        dump = target / "database.dump"
        subprocess.run(  # noqa: S603 - arguments come from settings, not from users
            [executable, "--format=custom", "--no-owner", "--file", str(dump), name], env=env, check=True
        )
        uploads = target / "uploads.tar.gz"
        with tarfile.open(uploads, "w:gz") as archive:
            if Path(settings.MEDIA_ROOT).exists():
                archive.add(settings.MEDIA_ROOT, arcname="uploads")
        manifest = {
            "created_at": datetime.now(UTC).isoformat(),
            "database": name,
            "database_dump_sha256": hashlib.sha256(dump.read_bytes()).hexdigest(),
            "uploads": file_hashes(settings.MEDIA_ROOT),
            "submission_files": submission_hashes(),
        }
        (target / "manifest.json").write_text(json.dumps(manifest, indent=2))
        self.stdout.write(f"Backed up {name} and {len(manifest['uploads'])} uploaded files to {target}")
