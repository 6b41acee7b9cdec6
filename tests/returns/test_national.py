"""The national view of quarterly returns (submitted and outstanding, late, P4P released and not
released, conditions not met, charts and CSV), who sees what, the upload of the published quarterly
admissions (all or nothing), and query counts that do not grow with the number of Boards or returns."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import ConditionStatus, PublishedAdmissions, ReturnCondition, ReturnStatus, Role
from plans.returns import published
from plans.returns.checks import check_return
from plans.returns.selectors import return_view
from tests.bench.bench_returns import bulk_returns
from tests.factories import AreaTeamFactory, HWBFactory, RoleFactory, UserFactory
from tests.returns.conftest import complete, period

pytestmark = pytest.mark.django_db

Q2 = "2015/16 Q2"  # P4P quarter 3: three quarters reported


def submitted_but(*drafts):
    """Every return submitted (accepted in earlier periods) except the Boards numbered in `drafts`."""
    return lambda i, p: ReturnStatus.DRAFT if i in drafts else ReturnStatus.SUBMITTED


@pytest.fixture
def national(client):
    client.force_login(RoleFactory(role=Role.NATIONAL).user)
    return client


@pytest.fixture
def admin(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def url(name="returns:national", code=Q2):
    return reverse(name) + f"?period={code}"


class TestFigures:
    def test_submitted_outstanding_late_and_the_p4p_money(self, national):
        area = AreaTeamFactory()
        bulk_returns(area, 4, prefix="North", period_codes=[Q2], status=submitted_but(3))
        response = national.get(url())
        assert response.status_code == 200
        figures = response.context["figures"]
        assert figures.period.code == Q2
        assert len(figures.boards) == 4
        assert [b.name for b in figures.outstanding] == ["North 003 HWB"]
        # The period was due in 2015: the Board that has not submitted is late.
        assert [b.name for b in figures.outstanding_late] == ["North 003 HWB"]
        # Board 0 reports the worked example of DOMAIN.md §10: £44,700 + £58,110 + £46,190 paid after
        # three quarters, £7,450 not released.
        first = figures.boards[0]
        assert first.paid_to_date == Decimal("149000.00")
        assert first.not_released == Decimal("7450.00")
        # A national viewer sees a draft as outstanding, with no money.
        assert figures.boards[3].state == "Not submitted" and figures.boards[3].paid_to_date is None
        assert figures.paid_to_date == sum(b.paid_to_date for b in figures.boards[:3])
        assert figures.not_released == sum(b.not_released for b in figures.boards[:3])
        content = response.content.decode()
        assert 'id="submitted-count">3 of 4<' in content
        assert "£149,000" in content
        assert response.context["released_chart"]["svg"].startswith("<svg")
        assert "Submitted: 3" in response.context["submitted_chart"]["alt"]
        assert 'href="' + reverse("review:national") + '"' in content

    def test_conditions_not_met_are_counted_per_condition(self, national):
        hwbs = bulk_returns(AreaTeamFactory(), 3, period_codes=[Q2], status=submitted_but())
        ReturnCondition.objects.update(status=ConditionStatus.MET)
        ReturnCondition.objects.filter(quarterly_return__hwb__in=hwbs[:2], key="seven_day").update(
            status=ConditionStatus.NOT_MET
        )
        ReturnCondition.objects.filter(quarterly_return__hwb=hwbs[2], key="data_sharing").update(
            status=ConditionStatus.IN_PROGRESS
        )
        figures = national.get(url()).context["figures"]
        counts = {c.key: (c.not_met, c.in_progress) for c in figures.conditions}
        assert counts == {"seven_day": (2, 0), "data_sharing": (0, 1)}
        assert figures.conditions[0].key == "seven_day"

    def test_the_period_can_be_chosen_and_an_unknown_one_falls_back(self, national):
        bulk_returns(AreaTeamFactory(), 2, period_codes=["2015/16 Q1", Q2], status=submitted_but())
        assert national.get(url(code="2015/16 Q1")).context["figures"].period.code == "2015/16 Q1"
        assert national.get(url(code="nonsense")).context["figures"].period.code == "2015/16 Q4"

    def test_the_csv_has_every_board_and_is_safe_in_a_spreadsheet(self, national):
        bulk_returns(AreaTeamFactory(name="=cmd|' /C calc'!A0"), 3, period_codes=[Q2], status=submitted_but(2))
        response = national.get(url("returns:national_csv"))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0][0] == "Health and Wellbeing Board"
        assert len(rows) == 4
        assert rows[1][1] == "'=cmd|' /C calc'!A0"
        assert rows[1][7:] == ["149000.00", "7450.00"]
        assert rows[3][3:7] == ["Not submitted", "", "", "Yes"]

    def test_the_plans_dashboard_links_to_the_returns_view(self, national):
        content = national.get(reverse("review:national")).content.decode()
        assert reverse("returns:national") in content


class TestWhoSees:
    def test_an_area_team_reviewer_sees_their_area_with_its_drafts(self, client):
        mine, other = AreaTeamFactory(), AreaTeamFactory()
        bulk_returns(mine, 2, prefix="Mine", period_codes=[Q2], status=submitted_but(1))
        bulk_returns(other, 3, prefix="Other", period_codes=[Q2], status=submitted_but())
        client.force_login(RoleFactory(role=Role.REVIEWER, area_team=mine).user)
        figures = client.get(url()).context["figures"]
        assert [b.name for b in figures.boards] == ["Mine 000 HWB", "Mine 001 HWB"]
        assert figures.boards[1].state == "Draft"
        assert figures.scope == "area"

    def test_an_administrator_sees_every_board(self, admin):
        bulk_returns(AreaTeamFactory(), 2, period_codes=[Q2], status=submitted_but())
        assert len(admin.get(url()).context["figures"].boards) == 2

    @pytest.mark.parametrize("name", ["returns:national", "returns:national_csv"])
    def test_a_board_editor_is_refused_and_a_visitor_signs_in(self, client, name):
        assert client.get(url(name)).status_code == 302
        client.force_login(RoleFactory(role=Role.EDITOR, hwb=HWBFactory()).user)
        assert client.get(url(name)).status_code == 403


def upload(client, text, name="published.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(reverse("returns:published_upload"), {"file": SimpleUploadedFile(name, data, "text/csv")})


class TestPublishedUpload:
    def test_only_administrators_may_upload(self, client):
        assert client.get(reverse("returns:published_upload")).status_code == 302  # not signed in
        client.force_login(RoleFactory(role=Role.NATIONAL).user)
        assert client.get(reverse("returns:published_upload")).status_code == 403
        client.force_login(UserFactory(is_superuser=True))
        assert client.get(reverse("returns:published_upload")).status_code == 200

    def test_a_good_file_is_saved_and_a_second_one_replaces_figures(self, admin):
        hwbs = bulk_returns(AreaTeamFactory(), 2, period_codes=[Q2], status=submitted_but())
        a, b = hwbs[0].name, hwbs[1].name
        text = f'HWB,Quarter,Admissions\n{a.upper()},2015/16 Q1,930\n{b},2015/16 Q2,"1,001"\n'
        response = upload(admin, text)
        assert response.status_code == 302
        figures = dict(PublishedAdmissions.objects.values_list("hwb__name", "admissions"))
        assert figures == {a: 930, b: 1001}
        response = upload(admin, f"hwb,quarter,admissions\n{a},2015/16 Q1,931\n{b},2015/16 Q2,1001\n")
        page = admin.get(response.url).content.decode()
        assert "2 published figures saved: 0 new, 1 changed, 1 unchanged." in page
        assert PublishedAdmissions.objects.get(hwb=hwbs[0]).admissions == 931

    def test_a_board_may_be_named_without_health_and_wellbeing_board(self, admin):
        rutland = HWBFactory(name="Rutland Health and Wellbeing Board")
        figures = published.parse(b"hwb,quarter,admissions\n  rutland ,2015/16 q1, 930 \n")
        assert [(f.hwb_id, f.quarter, f.admissions) for f in figures] == [(rutland.pk, "2015/16 Q1", 930)]

    def test_any_bad_row_saves_nothing_and_names_the_line_and_column(self, admin):
        hwbs = bulk_returns(AreaTeamFactory(), 1, period_codes=[Q2], status=submitted_but())
        name = hwbs[0].name
        text = (
            "hwb,quarter,admissions\n"
            f"{name},2015/16 Q1,930\n"
            "Nowhere HWB,2015/16 Q1,10\n"
            f"{name},2016/17 Q1,10\n"
            f"{name},2015/16 Q2,-4\n"
            f"{name},2015/16 Q3,12.5\n"
            f"{name},2015/16 Q1,931\n"
        )
        response = upload(admin, text)
        assert response.status_code == 200
        problems = response.context["problems"]
        assert problems == [
            "Line 3, column hwb: there is no Health and Wellbeing Board called “Nowhere HWB”",
            "Line 4, column quarter: the quarter must be one of 2014/15 Q4, 2015/16 Q1, 2015/16 Q2, 2015/16 Q3",
            "Line 5, column admissions: admissions must be a whole number, 0 or more",
            "Line 6, column admissions: admissions must be a whole number, 0 or more",
            f"Line 7, column hwb: {name} 2015/16 Q1 is given twice (also on line 2)",
        ]
        content = response.content.decode()
        assert "govuk-error-summary" in content and "nothing has been saved" in content
        assert "Line 3, column hwb" in content
        assert not PublishedAdmissions.objects.exists()

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("board,quarter,admissions\nX,2015/16 Q1,1\n", "Line 1, column hwb: the first line must name"),
            ("", "The selected file is empty"),
            ("hwb,quarter,admissions\n", "The selected file has no rows of figures"),
            (b"\x00\x01\x02\xff" * 10, "The selected file must be a CSV file"),
        ],
    )
    def test_files_that_are_not_figures_are_refused(self, admin, text, message):
        response = upload(admin, text)
        assert response.context["problems"][0].startswith(message)
        assert not PublishedAdmissions.objects.exists()

    def test_the_size_and_row_limits(self, admin):
        hwbs = bulk_returns(AreaTeamFactory(), 1, period_codes=[Q2], status=submitted_but())
        rows = "".join(f"{hwbs[0].name},2015/16 Q1,{n}\n" for n in range(published.MAX_ROWS + 1))
        response = upload(admin, "hwb,quarter,admissions\n" + rows)
        assert response.context["problems"] == [f"The file must have no more than {published.MAX_ROWS:,} rows"]
        response = upload(admin, "hwb,quarter,admissions\n" + "x" * (published.MAX_BYTES + 10))
        assert response.context["problems"] == ["The selected file must be smaller than 1 MB"]
        # Far over the limit: refused before the body is read.
        response = upload(admin, "hwb,quarter,admissions\n" + "x" * (published.MAX_BYTES + 200_000))
        assert response.status_code == 413
        assert "The selected file must be smaller than 1 MB" in response.content.decode()
        assert not PublishedAdmissions.objects.exists()

    def test_a_draft_return_warns_when_its_figure_differs_from_the_published_one(self, board, admin):
        from plans.returns import services

        ret = services.return_start(hwb=board["hwb"], period=period("2015/16 Q1"), user=board["editor"])
        ret = complete(ret, board["editor"])  # actual for 2015/16 Q1: 930
        upload(admin, f"hwb,quarter,admissions\n{board['hwb'].name},2015/16 Q1,925\n")
        messages = [i.message for i in check_return(return_view(ret))]
        assert any("differ from the published figure (925)" in m for m in messages)


class TestQueryCounts:
    """The pages at national scale: the same number of queries for 3 Boards as for 30 (each with three
    plan versions and five returns)."""

    def _counts(self, client, urls):
        counts = []
        for address in urls:
            client.get(address)  # warm: sessions, caches
            with CaptureQueriesContext(connection) as queries:
                assert client.get(address).status_code == 200
            counts.append(len(queries.captured_queries))
        return counts

    def test_national_view_csv_reviewer_homes_and_board_pages_do_not_grow(self, client, django_assert_num_queries):
        area = AreaTeamFactory()
        hwbs = bulk_returns(area, 3, prefix="Few")
        national = RoleFactory(role=Role.NATIONAL).user
        reviewer = RoleFactory(role=Role.REVIEWER, area_team=area).user
        editor = RoleFactory(role=Role.EDITOR, hwb=hwbs[0]).user
        pages = [
            (national, [url(code="2015/16 Q3"), url(code="2015/16 Q4"), url("returns:national_csv")]),
            (reviewer, [url(code="2015/16 Q4"), reverse("review:area_home"), reverse("returns:review")]),
            (editor, [reverse("plans:home"), reverse("returns:board", args=[hwbs[0].pk])]),
        ]
        few = []
        for user, urls in pages:
            client.force_login(user)
            few.append(self._counts(client, urls))
        bulk_returns(area, 27, prefix="Many")
        for (user, urls), counts in zip(pages, few, strict=True):
            client.force_login(user)
            client.get(urls[0])
            for address, count in zip(urls, counts, strict=True):
                with django_assert_num_queries(count):
                    response = client.get(address)
                if "figures" in (response.context or {}) and hasattr(response.context["figures"], "boards"):
                    assert len(response.context["figures"].boards) == 30
        assert all(3 <= n <= 12 for counts in few for n in counts), few
