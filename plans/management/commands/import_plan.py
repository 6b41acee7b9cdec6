"""Create a DRAFT plan from a bcf-plan/1 JSON file and print its id on the last line."""

from django.core.management.base import BaseCommand, CommandError

from bcf.core.imports import PlanImportError
from bcf.core.validation import JSON_MAX_BYTES, InvalidInput, load_json
from plans.content.plan_json import import_plan


class Command(BaseCommand):
    help = "Create a draft plan from a bcf-plan/1 JSON file (DOMAIN.md §9); prints the new plan's id last."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to the JSON file")

    def handle(self, *args, **options):
        try:
            with open(options["file"], "rb") as handle:
                # One byte past the limit is enough to refuse an oversized file without reading it all.
                doc = load_json(handle.read(JSON_MAX_BYTES + 1))
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc.strerror}") from None
        except InvalidInput as exc:
            raise CommandError(f"{options['file']} was not imported: {exc}") from None
        try:
            plan = import_plan(doc)
        except PlanImportError as exc:
            raise CommandError(f"Invalid plan: {exc}") from None
        self.stdout.write(f"Imported {plan.hwb.name} ({plan.edition}, {plan.round}) as a draft")
        self.stdout.write(str(plan.pk))
