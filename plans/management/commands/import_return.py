"""Create a DRAFT quarterly return from a bcf-return/1 JSON file and print its id on the last line."""

from django.core.management.base import BaseCommand, CommandError

from bcf.core.imports import PlanImportError
from bcf.core.validation import JSON_MAX_BYTES, InvalidInput, load_json
from plans.returns.importer import import_return


class Command(BaseCommand):
    help = (
        "Create a draft quarterly return from a bcf-return/1 JSON file (DOMAIN.md §10), on the Board's latest "
        "submitted plan; prints the new return's id last. Computed values in the file are ignored."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to the JSON file")

    def handle(self, *args, **options):
        try:
            with open(options["file"], "rb") as handle:
                doc = load_json(handle.read(JSON_MAX_BYTES + 1))
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc.strerror}") from None
        except InvalidInput as exc:
            raise CommandError(f"{options['file']} was not imported: {exc}") from None
        try:
            ret = import_return(doc)
        except PlanImportError as exc:
            raise CommandError(f"Invalid return: {exc}") from None
        self.stdout.write(f"Imported the {ret.period_id} return of {ret.hwb.name} as a draft")
        self.stdout.write(str(ret.pk))
