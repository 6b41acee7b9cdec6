"""Create a DRAFT plan from a bcf-plan/1 JSON file and print its id on the last line."""

import json

from django.core.management.base import BaseCommand, CommandError

from bcf.core.imports import PlanImportError
from plans.content.plan_json import import_plan


class Command(BaseCommand):
    help = "Create a draft plan from a bcf-plan/1 JSON file (DOMAIN.md §9); prints the new plan's id last."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to the JSON file")

    def handle(self, *args, **options):
        try:
            with open(options["file"], encoding="utf-8") as handle:
                doc = json.load(handle)
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc.strerror}") from None
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"{options['file']} is not valid JSON: line {exc.lineno} column {exc.colno}: {exc.msg}"
            ) from None
        except UnicodeDecodeError:
            raise CommandError(f"{options['file']} is not UTF-8 text") from None
        try:
            plan = import_plan(doc)
        except PlanImportError as exc:
            raise CommandError(f"Invalid plan: {exc}") from None
        self.stdout.write(f"Imported {plan.hwb.name} ({plan.edition}, {plan.round}) as a draft")
        self.stdout.write(str(plan.pk))
