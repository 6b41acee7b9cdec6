"""Write a quarterly return to a file: JSON (bcf-return/1, with the computed values), PDF or workbook.
A submitted return's stored file is written as stored; otherwise the file is made now, in-process."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.models import QuarterlyReturn, ReturnFile
from plans.returns.files import render

FORMATS = ("json", "pdf", "xlsx")


class Command(BaseCommand):
    help = "Export a quarterly return as JSON (bcf-return/1), PDF or XLSX (DOMAIN.md §10)."

    def add_arguments(self, parser):
        parser.add_argument("return_id", type=int)
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument("-o", "--output", required=True, help="File to write ('-' for standard output)")

    def handle(self, *args, return_id, format, output, **options):
        ret = QuarterlyReturn.objects.select_related("hwb", "period", "plan").filter(pk=return_id).first()
        if ret is None:
            raise CommandError(f"There is no return {return_id}")
        stored = ReturnFile.objects.filter(submission__quarterly_return=ret, kind=format).first()
        content = bytes(stored.content) if stored is not None else render(ret, format, bounded=False)
        if output == "-":
            self.stdout.write(content.decode("utf-8", "replace"), ending="")
            return
        path = Path(output)
        path.write_bytes(content)
        how = "stored file" if stored is not None else "made now"
        self.stderr.write(f"Wrote {path} ({path.stat().st_size:,} bytes, {how})")
