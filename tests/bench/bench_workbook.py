"""Time to write the Part 2 workbook of a large plan: 60 schemes, 200 expenditure lines (target < 0.5 s).

Runs in a throwaway in-memory SQLite database, so it never touches the development data.
"""

import time
from decimal import Decimal
from statistics import median

SCHEMES = 60
LINES = 200
BENEFITS = 120
RUNS = 7


def _build_plan():
    from metrics.models import BenefitRow, ExpenditureRow, FundingRow, Metric, MetricFigure, P4PMetric
    from plans.models import CCG, HealthAndWellbeingBoard, LocalAuthority, Plan, PlanCCG
    from schemes.models import Scheme

    la = LocalAuthority.objects.create(name="Bench Borough Council")
    hwb = HealthAndWellbeingBoard.objects.create(name="Bench Health and Wellbeing Board", local_authority=la)
    plan = Plan.objects.create(hwb=hwb, edition="2014-09", round="revised")
    ccgs = [CCG.objects.create(name=f"NHS Bench {i} CCG") for i in range(6)]
    PlanCCG.objects.bulk_create([PlanCCG(plan=plan, ccg=c, position=i) for i, c in enumerate(ccgs)])
    schemes = Scheme.objects.bulk_create(
        [Scheme(plan=plan, ref=f"S{i:02d}", name=f"Scheme {i}", theme="Bench", position=i) for i in range(SCHEMES)]
    )
    FundingRow.objects.bulk_create(
        [
            FundingRow(
                plan=plan, organisation=c.name, kind="revenue", amount_2014_15=1000, amount_2015_16=2000, position=i
            )
            for i, c in enumerate(ccgs)
        ]
    )
    areas = ["Social care", "Community health", "Acute", "Mental health", "Primary care", "Other"]
    ExpenditureRow.objects.bulk_create(
        [
            ExpenditureRow(
                plan=plan,
                position=i + 1,
                scheme=schemes[i % SCHEMES],
                area_of_spend=areas[i % len(areas)],
                commissioner="Joint" if i % 3 == 0 else "CCG",
                nhs_share_percent=Decimal(60) if i % 3 == 0 else None,
                provider="NHS community",
                source_of_funding="CCG minimum contribution",
                amount_2014_15=Decimal("1234.56") * i,
                amount_2015_16=Decimal("2345.67") * i,
                new_or_existing="new",
            )
            for i in range(LINES)
        ]
    )
    BenefitRow.objects.bulk_create(
        [
            BenefitRow(
                plan=plan,
                position=i + 1,
                scheme=schemes[i % SCHEMES],
                measure="Reduction in non-elective admissions",
                unit="admission",
                q1=i,
                q2=i,
                q3=i,
                q4=i,
                value_per_unit=1490,
            )
            for i in range(BENEFITS)
        ]
    )
    P4PMetric.objects.create(
        plan=plan,
        population=37400,
        baseline_q1=760,
        baseline_q2=731,
        baseline_q3=712,
        baseline_q4=740,
        plan_q1=733,
        plan_q2=705,
        plan_q3=688,
        plan_q4=714,
        performance_element=591000,
    )
    for position, code in enumerate(["N1", "N2", "N3"], start=1):
        metric = Metric.objects.create(plan=plan, code=code, position=position)
        MetricFigure.objects.bulk_create(
            [MetricFigure(metric=metric, position=p, numerator=100 + p, denominator=20000) for p in range(3)]
        )
    return plan


def main():
    from django.db import connections
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    connection = connections["default"]
    original = connection.settings_dict.copy()
    # A throwaway database: in-memory SQLite, whatever DATABASE_URL says.
    connection.close()
    connection.settings_dict.update({"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:", "OPTIONS": {}})
    connection.ensure_connection()
    try:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False, run_syncdb=True)
        plan = _build_plan()
        from metrics.imports.workbook import read_workbook
        from plans.outputs.workbook import workbook_bytes

        workbook_bytes(plan)  # warm-up: imports and template caches
        writes, reads = [], []
        for _ in range(RUNS):
            start = time.perf_counter()
            content = workbook_bytes(plan)
            writes.append(time.perf_counter() - start)
            start = time.perf_counter()
            read_workbook(plan, content)
            reads.append(time.perf_counter() - start)
        print(
            f"plan: {SCHEMES} schemes, {LINES} expenditure lines, {BENEFITS} benefit lines; "
            f"workbook {len(content):,} bytes"
        )
        print(
            f"write workbook: median {median(writes):.3f} s, best {min(writes):.3f} s over {RUNS} runs (target < 0.5 s)"
        )
        print(f"read workbook back: median {median(reads):.3f} s, best {min(reads):.3f} s")
        print(f"write ratio to target: {median(writes) / 0.5:.2f}")
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(original)
        teardown_test_environment()


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bcf.settings")
    django.setup()
    main()
