"""A submitted return can never change, as a submitted plan version cannot (0002_workflow): the
database refuses an UPDATE (and, on PostgreSQL, a DELETE) of a submitted return or its stored files."""

from django.db import migrations

IMMUTABLE_TABLES = ("plans_returnsubmission", "plans_returnfile")


def refuse_changes(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in IMMUTABLE_TABLES:
        if vendor == "postgresql":  # plans_refuse_change() comes from 0002_workflow
            schema_editor.execute(
                f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION plans_refuse_change()"
            )
        elif vendor == "sqlite":
            schema_editor.execute(
                f"CREATE TRIGGER {table}_immutable BEFORE UPDATE ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'a submitted return can never change'); END"
            )


def allow_changes(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in IMMUTABLE_TABLES:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_immutable")


class Migration(migrations.Migration):
    dependencies = [("plans", "0016_return_event_time")]

    operations = [migrations.RunPython(refuse_changes, allow_changes)]
