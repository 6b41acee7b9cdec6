"""The national dashboard: figures over the newest submitted version of every plan, its chart, its
CSV (safe to open in a spreadsheet), and a constant query count at the size of England."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bcf.core.spreadsheets import csv_safe
from metrics import calculations as calc
from metrics.models import FundingRow
from plans.models import AssuranceOutcome, ExportJob, ExportKind, Plan, PlanStatus, Role
from tests.factories import AreaTeamFactory, PlanFactory, RoleFactory, bulk_submitted_plans

pytestmark = pytest.mark.django_db


@pytest.fixture
def national(client):
    client.force_login(RoleFactory(role=Role.NATIONAL).user)
    return client


def varied(i):
    """Figures that differ per plan: some reductions below 3.5%, one increase."""
    plan = [1000 - (i * 13) % 90 + 20] * 4 if i % 5 else [1010, 1010, 1010, 1010]
    return {
        "funding": (Decimal("1234567.89") + i, Decimal("2345678.01") * (i + 1)),
        "baseline": [1000, 1000, 1000, 1000],
        "plan": plan,
    }


class TestFigures:
    def test_the_national_figures_equal_the_sums_of_the_plans(self, national):
        area_a, area_b = AreaTeamFactory(), AreaTeamFactory()
        plans = bulk_submitted_plans(area_a, 12, prefix="North", figures=varied)
        plans += bulk_submitted_plans(area_b, 5, prefix="South", status=PlanStatus.RETURNED, figures=varied)
        assured = plans[:3]
        for plan, outcome in zip(assured, ["Approved", "Approved with support", "Not approved"]):
            Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.ASSURED)
            AssuranceOutcome.objects.create(
                plan=plan, outcome=outcome, recorded_by_name="Reviewer", recorded_at=timezone.now()
            )
        PlanFactory(status=PlanStatus.DRAFT)  # never counted: not submitted
        response = national.get(reverse("review:national"))
        assert response.status_code == 200
        figures = response.context["figures"]

        counted = Plan.objects.filter(pk__in=[p.pk for p in plans])
        assert figures.count == 17
        for year, column in (("2014/15", "amount_2014_15"), ("2015/16", "amount_2015_16")):
            expected = sum(getattr(r, column) for r in FundingRow.objects.filter(plan__in=counted))
            assert figures.pooled[year] == expected
        percents, below, value = [], 0, Decimal(0)
        for plan in counted.select_related("p4p"):
            p4p = plan.p4p
            baseline, planned = sum(p4p.baseline), sum(p4p.planned)
            avoided = baseline - planned
            percents.append(calc.percent_reduction(baseline, avoided))
            below += avoided < calc.admissions_for_reduction(baseline, Decimal("3.5"))
            value += max(avoided, 0) * p4p.unit_saving
        assert sorted(figures.reductions) == sorted(percents)
        assert figures.below_minimum == below > 0
        assert figures.p4p_total == value
        assert dict(figures.by_state) == {"Submitted": 9, "Returned": 5, "Assured": 3}
        outcomes = dict(figures.by_outcome)
        assert outcomes["Approved"] == outcomes["Approved with support"] == outcomes["Not approved"] == 1
        assert outcomes["No outcome yet"] == 14
        assert sum(count for _label, count in figures.bands) == len(percents)
        page = response.content.decode()
        assert "<svg" in page and "3.5% minimum" in page
        assert f"{figures.below_minimum}</dd>" in page

    def test_a_superseded_version_is_not_counted_twice(self, national):
        area = AreaTeamFactory()
        (first,) = bulk_submitted_plans(area, 1, prefix="Twice", status=PlanStatus.RETURNED)
        Plan.objects.filter(pk=first.pk).update(is_current=False)
        second = PlanFactory(hwb=first.hwb, previous=first, version=2, status=PlanStatus.SUBMITTED)
        figures = national.get(reverse("review:national")).context["figures"]
        assert [r.plan.pk for r in figures.rows] == [second.pk]

    def test_only_national_viewers_open_the_dashboard(self, client):
        client.force_login(RoleFactory(role=Role.REVIEWER, area_team=AreaTeamFactory()).user)
        assert client.get(reverse("review:national")).status_code == 403
        assert client.get(reverse("review:national_csv")).status_code == 403

    def test_bad_query_strings_never_fail(self, national):
        bulk_submitted_plans(AreaTeamFactory(), 3)
        for query in [{"sort": "nope"}, {"sort": "-reduction", "page": "x"}, {"page": "1000"}, {"sort": "-" * 99}]:
            assert national.get(reverse("review:national"), query).status_code == 200


class TestCsv:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
            ("+1", "'+1"),
            ("-1", "'-1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tTab", "'\tTab"),
            ("\rReturn", "'\rReturn"),
            ("Rutland", "Rutland"),
            (Decimal("-3.5"), Decimal("-3.5")),
            (None, ""),
        ],
    )
    def test_cells_that_a_spreadsheet_would_run_are_escaped(self, value, expected):
        assert csv_safe(value) == expected

    def test_the_csv_holds_every_plan_with_escaped_names(self, national):
        area = AreaTeamFactory(name="=cmd|' /C calc'!A0")
        plans = bulk_submitted_plans(area, 6, prefix="Csv")
        names = ["=1+2", "+SUM(A1)", "-2", "@A1", "\tTabbed", "\rReturned"]
        for plan, name in zip(plans, names):
            plan.hwb.name = name
            plan.hwb.save()
        response = national.get(reverse("review:national_csv"))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0][0] == "Health and Wellbeing Board"
        assert sorted(r[0] for r in rows[1:]) == sorted("'" + n for n in names)
        assert {r[1] for r in rows[1:]} == {"'=cmd|' /C calc'!A0"}
        for row in rows[1:]:
            for cell in row:
                assert not cell.startswith(("=", "+", "@", "\t", "\r")), row


class TestLargeCsv:
    def test_a_large_csv_is_prepared_by_a_job_and_holds_what_the_immediate_one_holds(
        self, national, settings, run_jobs
    ):
        bulk_submitted_plans(AreaTeamFactory(), 3, prefix="Big")
        settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
        immediate = national.get(reverse("review:national_csv"))
        assert immediate.status_code == 200 and not ExportJob.objects.exists()

        settings.EXPORT_JOB_THRESHOLD_ROWS = 2
        response = national.get(reverse("review:national_csv"))
        job = ExportJob.objects.get()
        assert response.status_code == 302 and job.items == 3
        page = national.get(response["Location"])
        assert "Preparing your download" in page.content.decode()

        run_jobs()
        page = national.get(response["Location"])
        assert "Your download is ready" in page.content.decode()
        download = national.get(reverse("review:export_file", args=[job.token]))
        assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
        assert download.content == immediate.content
        rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
        assert len(rows) == 4

        national.force_login(RoleFactory(role=Role.NATIONAL).user)  # another national user
        assert national.get(response["Location"]).status_code == 404

    def test_a_job_past_its_time_limit_says_so_and_offers_to_try_again(self, national, settings, run_jobs, monkeypatch):
        from bcf.core.jobs import LimitExceeded
        from plans.review import exports

        bulk_submitted_plans(AreaTeamFactory(), 3, prefix="Slow")
        settings.EXPORT_JOB_THRESHOLD_ROWS = 2

        def too_slow(user):
            raise LimitExceeded("Preparing the download took longer than 300 seconds and was stopped.")

        count, _make, name, kind = exports.EXPORTS[ExportKind.NATIONAL_CSV]
        monkeypatch.setitem(exports.EXPORTS, ExportKind.NATIONAL_CSV, (count, too_slow, name, kind))
        page_url = national.get(reverse("review:national_csv"))["Location"]
        run_jobs()
        page = national.get(page_url)
        text = page.content.decode()
        assert "Sorry, we could not prepare your download" in text and "longer than 300 seconds" in text
        assert reverse("review:national_csv") in text, "a way to ask again"
        assert ExportJob.objects.get().status == "failed"


class TestQueryCount:
    def test_dashboard_and_csv_are_a_constant_number_of_queries_with_150_hwbs(
        self, national, django_assert_num_queries
    ):
        area = AreaTeamFactory()
        bulk_submitted_plans(area, 10, prefix="Few", figures=varied)
        url, csv_url = reverse("review:national"), reverse("review:national_csv")
        national.get(url)
        with CaptureQueriesContext(connection) as page_few:
            national.get(url, {"sort": "-value"})
        with CaptureQueriesContext(connection) as csv_few:
            national.get(csv_url)
        bulk_submitted_plans(AreaTeamFactory(), 140, prefix="Many", figures=varied)
        with django_assert_num_queries(len(page_few.captured_queries)):
            response = national.get(url, {"sort": "-value"})
        assert response.context["figures"].count == 150
        with django_assert_num_queries(len(csv_few.captured_queries)):
            response = national.get(csv_url)
        assert len(response.content.decode("utf-8-sig").strip().splitlines()) == 151
