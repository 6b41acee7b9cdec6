"""The reporting periods of 2015/16 and their default deadlines (DOMAIN.md §10)."""

import datetime

from django.db import migrations

PERIODS = [
    ("2014/15 Q4", "Jan–Mar 2015", 1, 1, datetime.date(2015, 5, 29)),
    ("2015/16 Q1", "Apr–Jun 2015", 2, 2, datetime.date(2015, 8, 28)),
    ("2015/16 Q2", "Jul–Sep 2015", 3, 3, datetime.date(2015, 11, 27)),
    ("2015/16 Q3", "Oct–Dec 2015", 4, 4, datetime.date(2016, 2, 26)),
    ("2015/16 Q4", "Jan–Mar 2016 (end of year)", 5, None, datetime.date(2016, 5, 27)),
]


def add_periods(apps, schema_editor):
    ReturnPeriod = apps.get_model("plans", "ReturnPeriod")
    for code, covers, position, quarter, due in PERIODS:
        ReturnPeriod.objects.update_or_create(
            code=code, defaults={"covers": covers, "position": position, "p4p_quarter": quarter, "due": due}
        )


class Migration(migrations.Migration):
    dependencies = [("plans", "0014_quarterly_returns")]

    operations = [migrations.RunPython(add_periods, migrations.RunPython.noop)]
