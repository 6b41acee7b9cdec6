"""Restore a backup made by `backup` into the (empty) database of DATABASE_URL and MEDIA_ROOT, then
verify every stored file against the manifest's SHA-256."""

import hashlib
import json
import shutil
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bcf.core.management.commands.backup import file_hashes, pg_environment, submission_hashes


class Command(BaseCommand):
    help = "Restore a backup folder into an empty database and MEDIA_ROOT, and verify the file hashes."

    def add_arguments(self, parser):
        parser.add_argument("backup", help="Folder written by the backup command")

    def handle(self, *args, backup, **options):
        source = Path(backup)
        manifest = json.loads((source / "manifest.json").read_text())
        dump = source / "database.dump"
        if hashlib.sha256(dump.read_bytes()).hexdigest() != manifest["database_dump_sha256"]:
            raise CommandError("database.dump does not match the manifest: the backup is damaged")
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
            if cursor.fetchone()[0]:
                raise CommandError("The target database is not empty; restore into a new, empty database")
        executable = shutil.which("pg_restore")
        if executable is None:
            raise CommandError("pg_restore is not installed (Debian package postgresql-client)")
        env, name = pg_environment()
        connection.close()
        subprocess.run(  # noqa: S603 - arguments come from settings, not from users
            [executable, "--no-owner", "--exit-on-error", "--dbname", name, str(dump)], env=env, check=True
        )
        media = Path(settings.MEDIA_ROOT)
        media.mkdir(parents=True, exist_ok=True)
        with tarfile.open(source / "uploads.tar.gz") as archive:
            for member in archive.getmembers():
                if not member.name.startswith("uploads/") or member.issym() or member.islnk() or ".." in member.name:
                    continue
                member.name = member.name.removeprefix("uploads/")
                archive.extract(member, media, filter="data")
        problems = []
        if file_hashes(media) != manifest["uploads"]:
            problems.append("uploaded files differ from the manifest")
        restored = submission_hashes()
        if {k: v["actual"] for k, v in restored.items()} != {
            k: v["actual"] for k, v in manifest["submission_files"].items()
        }:
            problems.append("stored submission files differ from the manifest")
        if any(v["stored"] != v["actual"] for v in restored.values()):
            problems.append("a stored submission file no longer matches its recorded SHA-256")
        if problems:
            raise CommandError("Restore finished but: " + "; ".join(problems))
        self.stdout.write(
            f"Restored {name}: {len(restored)} submission files and {len(manifest['uploads'])} uploads verified"
        )
