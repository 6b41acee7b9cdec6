"""Replace a plan's Part 2 with the figures of a Part 2 workbook the service exported."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from metrics.imports.workbook import WorkbookError, read_workbook
from metrics.services import PlanNotEditable, StalePart2, part2_replace
from plans.models import Plan


class Command(BaseCommand):
    help = "Import a Part 2 workbook (.xlsx exported by the service) into a draft plan: all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("plan_id", type=int)
        parser.add_argument("file", help="The .xlsx workbook")
        parser.add_argument("--user", help="Email of the person the history records the changes against")
        parser.add_argument(
            "--force", action="store_true", help="Import even if Part 2 changed in the service after the download"
        )

    def handle(self, *args, plan_id, file, user, force, **options):
        try:
            plan = Plan.objects.select_related("hwb__local_authority").get(pk=plan_id)
        except Plan.DoesNotExist:
            raise CommandError(f"There is no plan {plan_id}") from None
        who = None
        if user:
            who = get_user_model().objects.filter(email__iexact=user).first()
            if who is None:
                raise CommandError(f"There is no user {user}")
        try:
            read = read_workbook(plan, file)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from None
        except WorkbookError as exc:
            raise CommandError("The workbook was not imported:\n  " + "\n  ".join(exc.problems)) from None
        try:
            changed = part2_replace(
                plan=plan, user=who, data=read.data, expected_revisions=None if force else read.revisions
            )
        except StalePart2 as exc:
            raise CommandError(
                f"The workbook was not imported: the {', '.join(exc.sections)} changed after it was downloaded "
                "(use --force to replace them)"
            ) from None
        except PlanNotEditable as exc:
            raise CommandError(f"The plan is {str(exc).lower()}, so it cannot be changed") from None
        self.stdout.write(f"Imported the Part 2 workbook into plan {plan.pk}: {changed} change(s) recorded")
