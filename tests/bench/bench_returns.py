"""Quarterly returns at national scale (issue 15): 152 Boards, each with 3 plan versions and 5 returns
(one per reporting period, with conditions and a submission), made with bulk_create. Then, in
process with Django's test client (warm), the national returns view, an area team reviewer's home
and a Board's plans page: p50/p95 over BENCH_RETURNS_REQUESTS (30) requests each and the queries per
page. Target: p95 < 150 ms.

Its own database, even on a fresh clone: a throwaway PostgreSQL database beside BENCH_DATABASE_URL
(`make bench` starts PostgreSQL) when one answers, else in-memory SQLite. `bulk_returns` is also what
tests/returns/test_national.py builds its Boards with."""

import os
import time

BOARDS = 152
PLAN_VERSIONS = 3
RETURNS_EACH = 5
REQUESTS = int(os.environ.get("BENCH_RETURNS_REQUESTS", "30"))
TARGET_MS = 150


def bulk_returns(area_team, count, *, prefix="Returns", period_codes=None, status=None, versions=PLAN_VERSIONS):
    """`count` Boards of `area_team`, each with `versions` plan versions (the earlier ones returned,
    the newest submitted, with a P4P metric) and a current return for each period of `period_codes`
    (default: every period) with its five conditions; `status(i, period)` gives each return's state
    (default: submitted, with a submission; a third of the last period's still drafts). Returns the HWBs."""
    from decimal import Decimal

    from django.utils import timezone

    from metrics.models import P4PMetric
    from plans.models import (
        ConditionStatus,
        Plan,
        PlanStatus,
        QuarterlyReturn,
        ReturnCondition,
        ReturnPeriod,
        ReturnStatus,
        ReturnSubmission,
    )
    from tests.factories import bulk_submitted_plans

    periods = list(ReturnPeriod.objects.order_by("position"))
    if period_codes is not None:
        periods = [p for p in periods if p.code in period_codes]
    last = periods[-1].code if periods else None

    def default_status(i, period):
        if period.code == last and i % 3 == 0:
            return ReturnStatus.DRAFT
        return ReturnStatus.ACCEPTED if period.code != last else ReturnStatus.SUBMITTED

    status = status or default_status
    first = bulk_submitted_plans(area_team, count, prefix=prefix, status=PlanStatus.RETURNED)
    Plan.objects.filter(pk__in=[p.pk for p in first]).update(is_current=False)
    newest = first
    for version in range(2, versions + 1):
        final = version == versions
        newest = Plan.objects.bulk_create(
            Plan(
                hwb_id=p.hwb_id,
                edition=p.edition,
                round=p.round,
                status=PlanStatus.SUBMITTED if final else PlanStatus.RETURNED,
                date_submitted=p.date_submitted,
                version=version,
                previous=p,
                is_current=final,
            )
            for p in newest
        )
    if versions > 1:
        P4PMetric.objects.bulk_create(
            P4PMetric(
                plan=p,
                population=100_000,
                baseline_q1=1000,
                baseline_q2=980,
                baseline_q3=1020,
                baseline_q4=1000,
                plan_q1=965,
                plan_q2=946,
                plan_q3=984,
                plan_q4=965,
                performance_element=Decimal("591000"),
                unit_saving=Decimal("1490"),
            )
            for p in newest
        )
    now = timezone.now()
    actual = [970, 930, 1000, 950]
    returns = []
    for i, plan in enumerate(newest):
        for period in periods:
            k = period.p4p_quarter or 4
            shift = (i % 7) * 5
            values = {f"actual_{q + 1}": actual[q] + shift for q in range(k)}
            returns.append(
                QuarterlyReturn(hwb_id=plan.hwb_id, period=period, plan=plan, status=status(i, period), **values)
            )
    returns = QuarterlyReturn.objects.bulk_create(returns)
    submitted = [r for r in returns if r.status != ReturnStatus.DRAFT]
    QuarterlyReturn.objects.filter(pk__in=[r.pk for r in submitted]).update(submitted_at=now)
    ReturnSubmission.objects.bulk_create(
        ReturnSubmission(
            quarterly_return=r,
            version=1,
            submitted_at=now,
            submitted_by_name="Generated Officer",
            due=r.period.due,
            is_late=n % 5 == 0,
            content_hash="0" * 64,
        )
        for n, r in enumerate(submitted)
    )
    keys = [
        ("social_care", "Protecting social care services"),
        ("seven_day", "7-day services to support discharge"),
        ("data_sharing", "Data sharing and the NHS Number"),
        ("joint_assessment", "Joint assessment and accountable lead professional"),
        ("acute_impact", "Agreement on the consequential impact on acute providers"),
    ]
    conditions = []
    for n, r in enumerate(returns):
        for position, (key, label) in enumerate(keys):
            state = ConditionStatus.MET
            if (n + position) % 11 == 0:
                state = ConditionStatus.NOT_MET
            elif (n + position) % 13 == 0:
                state = ConditionStatus.IN_PROGRESS
            conditions.append(
                ReturnCondition(quarterly_return=r, position=position, key=key, label=label, status=state)
            )
    ReturnCondition.objects.bulk_create(conditions)
    return [p.hwb for p in first]


def _percentile(values, q):
    values = sorted(values)
    index = min(len(values) - 1, max(0, round(q / 100 * (len(values) - 1))))
    return values[index]


def measure(client, url, requests=REQUESTS):
    """(first request ms, p50 ms, p95 ms, queries, status) of `requests` warm GETs of `url`."""
    from django.db import connection

    started = time.perf_counter()
    response = client.get(url)  # warm: templates, imports, caches (a chart drawn once)
    cold = (time.perf_counter() - started) * 1000
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return cold, _percentile(times, 50), _percentile(times, 95), len(executed), response.status_code


def _database():
    """Point the default connection at a database to throw away: beside BENCH_DATABASE_URL on
    PostgreSQL when it answers, else in-memory SQLite. Returns (label, teardown)."""
    import dj_database_url
    from django.db import connections

    original = dict(connections.settings["default"])
    test = dict(original.get("TEST") or {})
    url = os.environ.get("BENCH_DATABASE_URL", "")
    chosen = None
    if url.startswith("postgres"):
        parsed = dj_database_url.parse(url)
        try:
            import psycopg2

            psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres", connect_timeout=3).close()
            chosen = {**original, "OPTIONS": {}, **parsed, "TEST": {**test, "NAME": parsed["NAME"] + "_returns"}}
        except Exception as exc:  # noqa: BLE001 - any failure: fall back to SQLite
            print(f"(no PostgreSQL at BENCH_DATABASE_URL: {str(exc).strip()[:80]}; in-memory SQLite instead)")
    if chosen is None:
        chosen = {
            **original,
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": ":memory:",
            "OPTIONS": {},
            "TEST": {**test, "NAME": None},
        }

    def use(settings_dict):
        connections["default"].close()
        connections.settings["default"].clear()
        connections.settings["default"].update(settings_dict)
        del connections["default"]  # the next use makes a connection of the chosen backend

    use(chosen)
    connection = connections["default"]
    try:
        name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    except Exception as exc:  # noqa: BLE001 - no right to create a database there: SQLite instead
        if connection.vendor == "sqlite":
            raise
        print(f"(cannot create a PostgreSQL database: {str(exc).strip()[:80]}; in-memory SQLite instead)")
        use(
            {
                **original,
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": ":memory:",
                "OPTIONS": {},
                "TEST": {**test, "NAME": None},
            }
        )
        connection = connections["default"]
        name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    label = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite (in memory)"

    def teardown():
        connections["default"].creation.destroy_test_db(name, verbosity=0)
        use(original)

    return label, teardown


def main():
    from django.conf import settings
    from django.test import Client
    from django.test.utils import setup_test_environment, teardown_test_environment
    from django.urls import reverse

    setup_test_environment(debug=False)
    allowed_hosts = settings.ALLOWED_HOSTS
    settings.ALLOWED_HOSTS = [*allowed_hosts, "testserver"]
    label, teardown = _database()
    try:
        from plans.models import Role
        from tests.factories import AreaTeamFactory, RoleFactory

        started = time.perf_counter()
        area = AreaTeamFactory(name="Bench returns area team")
        hwbs = bulk_returns(area, BOARDS, prefix="Bench returns")
        print(
            f"database              {label}; {BOARDS} Boards x {PLAN_VERSIONS} plan versions x {RETURNS_EACH} returns "
            f"made in {time.perf_counter() - started:.1f} s"
        )
        national = RoleFactory(role=Role.NATIONAL).user
        reviewer = RoleFactory(role=Role.REVIEWER, area_team=area).user
        editor = RoleFactory(role=Role.EDITOR, hwb=hwbs[0]).user
        pages = [
            ("national returns", national, reverse("returns:national") + "?period=2015/16 Q3"),
            ("national returns CSV", national, reverse("returns:national_csv") + "?period=2015/16 Q3"),
            ("reviewer's home", reviewer, reverse("review:area_home")),
            ("Board's plans", editor, reverse("plans:home")),
            ("Board's returns", editor, reverse("returns:board", args=[hwbs[0].pk])),
            ("reviewer's returns", reviewer, reverse("returns:review")),
        ]
        worst = 0.0
        for name, user, url in pages:
            client = Client()
            client.force_login(user)
            cold, p50, p95, queries, status = measure(client, url)
            worst = max(worst, p95)
            print(
                f"{name:<22}p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  {queries:3d} queries  HTTP {status}  "
                f"(first request {cold:.0f} ms)"
            )
        print(f"worst p95 / target    {worst:.1f} / {TARGET_MS} ms = {worst / TARGET_MS:.2f}")
    finally:
        teardown()
        teardown_test_environment()
        settings.ALLOWED_HOSTS = allowed_hosts
