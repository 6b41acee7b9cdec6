"""Write a plan to a file: JSON (bcf-plan/1) now; the PDF and workbook formats come with their issues."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.models import Plan
from plans.plan_json import export_json

FORMATS = ("json", "pdf", "xlsx")


class Command(BaseCommand):
    help = "Export a plan as JSON (bcf-plan/1), PDF (Part 1) or XLSX (Part 2)."

    def add_arguments(self, parser):
        parser.add_argument("plan_id", type=int)
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument("-o", "--output", required=True, help="File to write ('-' for standard output)")

    def handle(self, *args, plan_id, format, output, **options):
        try:
            plan = Plan.objects.get(pk=plan_id)
        except Plan.DoesNotExist:
            raise CommandError(f"There is no plan {plan_id}") from None
        exporter = EXPORTERS.get(format)
        if exporter is None:
            raise CommandError(f"Export as {format} is not available yet")
        content = exporter(plan)
        if output == "-":
            self.stdout.write(content if isinstance(content, str) else content.decode("utf-8", "replace"))
            return
        path = Path(output)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        self.stderr.write(f"Wrote {path} ({path.stat().st_size:,} bytes)")


EXPORTERS = {"json": export_json}
