"""Write a plan to a file: JSON (bcf-plan/1), the Part 1 PDF or the Part 2 workbook."""

from importlib import import_module
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.models import Plan
from plans.outputs.exporters import EXPORTERS

FORMATS = ("json", "pdf", "xlsx", "docx")


class Command(BaseCommand):
    help = "Export a plan as JSON (bcf-plan/1), PDF (Part 1), DOCX (Part 1, editable) or XLSX (Part 2)."

    def add_arguments(self, parser):
        parser.add_argument("plan_id", type=int)
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument("-o", "--output", required=True, help="File to write ('-' for standard output)")

    def handle(self, *args, plan_id, format, output, **options):
        try:
            plan = Plan.objects.get(pk=plan_id)
        except Plan.DoesNotExist:
            raise CommandError(f"There is no plan {plan_id}") from None
        module_name, _, function = EXPORTERS[format].partition(":")
        try:
            exporter = getattr(import_module(module_name), function)
        except (ImportError, AttributeError):
            raise CommandError(f"Export as {format} is not available yet") from None
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
