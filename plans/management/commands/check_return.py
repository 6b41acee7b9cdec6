"""Print every error and warning of a quarterly return, one per line; exit 1 when there is an error."""

import sys

from django.core.management.base import BaseCommand, CommandError

from bcf.core.issues import errors
from plans.models import QuarterlyReturn
from plans.returns.checks import check_return
from plans.returns.selectors import return_view


class Command(BaseCommand):
    help = "Print each ERROR and WARNING of a quarterly return (DOMAIN.md §10); exit status 1 when there is an error."

    def add_arguments(self, parser):
        parser.add_argument("return_id", type=int)

    def handle(self, *args, return_id, **options):
        ret = QuarterlyReturn.objects.select_related("hwb", "period", "plan").filter(pk=return_id).first()
        if ret is None:
            raise CommandError(f"There is no return {return_id}")
        issues = check_return(return_view(ret))
        for issue in issues:
            self.stdout.write(issue.line())
        self.stdout.flush()
        if errors(issues):
            sys.exit(1)
