"""Create a plan from a bcf-plan/1 JSON file and print its id on the last line: a DRAFT, or with
--submitted (DOMAIN.md §11) the submitted version of a plan sent in before the service existed."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from bcf.core.imports import PlanImportError
from bcf.core.issues import errors, warnings
from bcf.core.validation import JSON_MAX_BYTES, InvalidInput, load_json
from plans.content.checks import check_plan
from plans.content.plan_json import import_plan
from plans.content.selectors import plan_view
from plans.workflow.files import render_version_file
from plans.workflow.services import plan_store_submitted, submitted_at_from


class Command(BaseCommand):
    help = (
        "Create a draft plan from a bcf-plan/1 JSON file (DOMAIN.md §9), or with --submitted store it as "
        "the submitted version it already is (§11); prints the new plan's id last."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to the JSON file")
        parser.add_argument(
            "--submitted",
            action="store_true",
            help="The plan was submitted before the service existed: keep its round and date submitted "
            "(`date_submitted`), store it as a submitted version and make its files",
        )

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
            with transaction.atomic():
                plan = import_plan(doc)
                if options["submitted"]:
                    submission = plan_store_submitted(plan=plan, submitted_at=submitted_at_from(doc, plan))
        except PlanImportError as exc:
            raise CommandError(f"Invalid plan: {exc}") from None
        if options["submitted"]:
            # "Files generated then" (§11): made here, in this process, as the export commands do; the
            # queued jobs then find them stored and have nothing to do.
            for job in submission.file_jobs.all():
                render_version_file.call(job.pk)
        if not options["submitted"]:
            self.stdout.write(f"Imported {plan.hwb.name} ({plan.edition}, {plan.round}) as a draft")
        else:
            plan.refresh_from_db()
            issues = check_plan(plan_view(plan))
            self.stdout.write(
                f"Imported {plan.hwb.name} ({plan.edition}, {plan.get_round_display()} round) as submitted version "
                f"{submission.version}, submitted {submission.submitted_at:%-d %B %Y}; its files are being prepared "
                f"by the worker. Checks (shown, not blocking): {len(errors(issues))} errors, "
                f"{len(warnings(issues))} warnings"
            )
        self.stdout.write(str(plan.pk))
