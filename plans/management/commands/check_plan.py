"""Print every error and warning of a plan, one per line; exit 1 when there is an error."""

import sys

from django.core.management.base import BaseCommand, CommandError

from bcf.core.issues import errors
from plans.content.checks import check_plan
from plans.content.selectors import plan_view
from plans.models import Plan


class Command(BaseCommand):
    help = "Print each ERROR and WARNING of a plan (DOMAIN.md §6); exit status 1 when there is an error."

    def add_arguments(self, parser):
        parser.add_argument("plan_id", type=int)

    def handle(self, *args, plan_id, **options):
        if not Plan.objects.filter(pk=plan_id).exists():
            raise CommandError(f"There is no plan {plan_id}")
        issues = check_plan(plan_view(plan_id))
        for issue in issues:
            self.stdout.write(issue.line())
        self.stdout.flush()
        if errors(issues):
            sys.exit(1)
