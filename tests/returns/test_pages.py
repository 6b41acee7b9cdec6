"""The quarterly returns' pages: a Board's periods, the task list, each section's save (bad input
included), the scoping and the workflow buttons (DOMAIN.md §10)."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from plans.models import ConditionStatus, PublishedAdmissions, QuarterlyReturn, ReturnStatus, Role
from plans.returns import services
from tests.factories import HWBFactory, PlanFactory, RoleFactory
from tests.returns.conftest import complete, period, submitted_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def ret(board):
    return services.return_start(hwb=board["hwb"], period=period("2015/16 Q1"), user=board["editor"])


def login(client, user):
    client.force_login(user)
    return client


def section_url(ret, slug):
    return reverse("returns:section", args=[ret.pk, slug])


def date(prefix, day, month, year):
    return {f"{prefix}_0": str(day), f"{prefix}_1": str(month), f"{prefix}_2": str(year)}


# --- a Board's returns ---------------------------------------------------------------------------


def test_the_board_page_lists_the_periods_and_starts_a_return(client, board):
    login(client, board["editor"])
    response = client.get(reverse("returns:board", args=[board["hwb"].pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "2015/16 Q1" in content and "28 August 2015" in content and "Start return" in content
    response = client.post(reverse("returns:start", args=[board["hwb"].pk]), {"period": "2015/16 Q1"})
    ret = QuarterlyReturn.objects.get(hwb=board["hwb"], period_id="2015/16 Q1")
    assert response.url == reverse("returns:overview", args=[ret.pk])
    # Starting again opens the one already started.
    response = client.post(reverse("returns:start", args=[board["hwb"].pk]), {"period": "2015/16 Q1"})
    assert response.url == reverse("returns:overview", args=[ret.pk])
    assert QuarterlyReturn.objects.filter(hwb=board["hwb"]).count() == 1
    assert client.get(reverse("returns:home")).url == reverse("returns:board", args=[board["hwb"].pk])


def test_a_board_without_a_submitted_plan_is_told_so(client, db):
    plan = PlanFactory()
    editor = RoleFactory(role=Role.EDITOR, hwb=plan.hwb).user
    login(client, editor)
    response = client.get(reverse("returns:board", args=[plan.hwb.pk]))
    assert response.status_code == 200
    assert "has no submitted plan" in response.content.decode()
    response = client.post(reverse("returns:start", args=[plan.hwb.pk]), {"period": "2015/16 Q1"}, follow=True)
    assert response.status_code == 200
    assert "has no submitted plan" in response.content.decode()
    assert not QuarterlyReturn.objects.exists()


def test_another_boards_people_get_404(client, ret, board):
    other = submitted_plan()
    stranger = RoleFactory(role=Role.EDITOR, hwb=other.hwb).user
    login(client, stranger)
    assert client.get(reverse("returns:board", args=[board["hwb"].pk])).status_code == 404
    assert client.post(reverse("returns:start", args=[board["hwb"].pk]), {"period": "2015/16 Q2"}).status_code == 404
    assert client.get(reverse("returns:overview", args=[ret.pk])).status_code == 404
    for slug in ("cover", "finance", "admissions"):
        assert client.get(section_url(ret, slug)).status_code == 404
        assert client.post(section_url(ret, slug), {"revision": "0"}).status_code == 404
    for name in ("sign", "submit", "reopen", "accept", "send_back", "resubmit"):
        assert client.post(reverse(f"returns:{name}", args=[ret.pk])).status_code == 404
    other_reviewer = RoleFactory(role=Role.REVIEWER, area_team=HWBFactory().area_team).user
    login(client, other_reviewer)
    assert client.get(reverse("returns:overview", args=[ret.pk])).status_code == 404


# --- the task list -------------------------------------------------------------------------------


def test_the_task_list_shows_statuses_checks_and_the_editors_view(client, ret, board):
    login(client, board["editor"])
    response = client.get(reverse("returns:overview", args=[ret.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "govuk-task-list" in content
    assert "Non-elective admissions (pay for performance)" in content
    assert "Enter the actual non-elective admissions" in content  # an error of the checks
    assert "Sign off the return" not in content  # the editor cannot sign


def test_sign_off_with_errors_is_refused_with_the_list(client, ret, board):
    login(client, board["chair"])
    response = client.post(reverse("returns:sign", args=[ret.pk]))
    assert response.status_code == 400
    content = response.content.decode()
    assert "cannot be signed off" in content and "Enter the actual non-elective admissions" in content
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.DRAFT


def test_the_workflow_buttons_from_sign_off_to_acceptance(client, ret, board):
    complete(ret, board["editor"], actuals={1: 970, 2: 930})
    login(client, board["editor"])
    assert client.post(reverse("returns:sign", args=[ret.pk])).status_code == 403
    login(client, board["delegate"])
    assert "Sign off the return" in client.get(reverse("returns:overview", args=[ret.pk])).content.decode()
    client.post(reverse("returns:sign", args=[ret.pk]))
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.SIGNED_OFF
    login(client, board["editor"])
    content = client.get(reverse("returns:overview", args=[ret.pk])).content.decode()
    assert "Submit the return" in content and "Reopen to make changes" in content
    client.post(reverse("returns:submit", args=[ret.pk]))
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.SUBMITTED
    login(client, board["reviewer"])
    response = client.get(reverse("returns:review"))
    assert board["hwb"].name in response.content.decode()
    content = client.get(reverse("returns:overview", args=[ret.pk])).content.decode()
    assert "Accept the return" in content and "Return with comments" in content
    response = client.post(reverse("returns:send_back", args=[ret.pk]), {"comment": " "})
    assert response.status_code == 400 and "Say what the Board needs to change" in response.content.decode()
    client.post(reverse("returns:send_back", args=[ret.pk]), {"comment": "Quarter 1 looks wrong"})
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.RETURNED
    login(client, board["editor"])
    content = client.get(reverse("returns:overview", args=[ret.pk])).content.decode()
    assert "Quarter 1 looks wrong" in content and "Start a new version" in content
    response = client.post(reverse("returns:resubmit", args=[ret.pk]))
    new = QuarterlyReturn.objects.get(hwb=board["hwb"], period=ret.period, is_current=True)
    assert new.version == 2 and response.url == reverse("returns:overview", args=[new.pk])
    assert "Quarter 1 looks wrong" in client.get(response.url).content.decode()


def test_the_reviewer_accepts(client, ret, board):
    complete(ret, board["editor"], actuals={1: 970, 2: 930})
    services.return_sign(ret=ret, user=board["chair"])
    services.return_submit(ret=ret, user=board["chair"])
    login(client, board["editor"])
    assert client.post(reverse("returns:accept", args=[ret.pk])).status_code == 403
    login(client, board["reviewer"])
    client.post(reverse("returns:accept", args=[ret.pk]), {"comment": "Thank you"})
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.ACCEPTED
    # A second accept is a message, not an error page.
    response = client.post(reverse("returns:accept", args=[ret.pk]), follow=True)
    assert response.status_code == 200 and "cannot accept this return now" in response.content.decode()


def test_the_submitted_versions_files_show_being_prepared_then_ready(client, ret, board, run_jobs):
    complete(ret, board["editor"], actuals={1: 970, 2: 930})
    services.return_sign(ret=ret, user=board["chair"])
    services.return_submit(ret=ret, user=board["chair"])
    login(client, board["reviewer"])
    response = client.get(reverse("returns:overview", args=[ret.pk]))
    content = response.content.decode()
    assert response["Refresh"] == "3" and content.count("Being prepared") == 3
    run_jobs()
    response = client.get(reverse("returns:overview", args=[ret.pk]))
    content = response.content.decode()
    assert "Refresh" not in response and "Being prepared" not in content
    for kind in ("pdf", "xlsx", "json"):
        assert reverse("returns:file", args=[ret.pk, kind]) in content
    digest = ret.submission.files.get(kind="json").sha256
    assert digest in content
    assert client.get(reverse("returns:file", args=[ret.pk, "json"])).status_code == 200


# --- the sections --------------------------------------------------------------------------------


def test_cover_saves_and_bad_input_stays_with_its_message(client, ret, board):
    login(client, board["editor"])
    assert client.get(section_url(ret, "cover")).status_code == 200
    data = {
        "revision": ret.revision,
        "cover_name": "Alex Officer",
        "cover_role": "BCF lead",
        "cover_email": "not an email",
        "cover_telephone": "01234",
        **date("cover_date", 31, 2, 2015),
    }
    response = client.post(section_url(ret, "cover"), data)
    assert response.status_code == 400
    content = response.content.decode()
    assert "Enter a real date" in content and "Enter an email address in the correct format" in content
    assert "Alex Officer" in content  # input kept
    ret.refresh_from_db()
    assert ret.cover_name != "Alex Officer"  # nothing half-saved
    data.update({"cover_email": "alex@example.org", **date("cover_date", 1, 8, 2015)})
    response = client.post(section_url(ret, "cover"), {**data, "then": "continue"})
    assert response.url == section_url(ret, "budget")
    ret.refresh_from_db()
    assert (ret.cover_name, str(ret.cover_date)) == ("Alex Officer", "2015-08-01")


def test_a_stale_page_is_refused_and_keeps_the_input(client, ret, board):
    login(client, board["editor"])
    services.return_update(ret=ret, user=board["editor"], values={"narrative": "Someone else"})
    response = client.post(section_url(ret, "narrative"), {"revision": "0", "narrative": "Mine"})
    assert response.status_code == 400
    content = response.content.decode()
    assert "Someone else saved this return" in content and "Mine" in content
    ret.refresh_from_db()
    assert ret.narrative == "Someone else"


def test_budget_no_needs_date_and_commentary(client, ret, board):
    login(client, board["editor"])
    response = client.post(section_url(ret, "budget"), {"revision": ret.revision, "pooled": "no"})
    assert response.status_code == 400
    assert "Enter the date the funds are expected to be pooled" in response.content.decode()
    response = client.post(
        section_url(ret, "budget"),
        {
            "revision": ret.revision,
            "pooled": "no",
            "pooled_commentary": "Agreement signed in April",
            **date("pooled_expected_date", 1, 4, 2016),
        },
    )
    assert response.status_code == 302
    ret.refresh_from_db()
    assert (ret.pooled, str(ret.pooled_expected_date)) == (False, "2016-04-01")


def test_conditions_save_a_row_each(client, ret, board):
    login(client, board["editor"])
    rows = list(ret.conditions.all())
    data = {"revision": ret.revision}
    for row in rows:
        data[f"c{row.pk}-status"] = "met"
    data[f"c{rows[1].pk}-status"] = "in_progress"
    data.update(date(f"c{rows[1].pk}-date", 30, 9, 2015))
    data[f"c{rows[1].pk}-commentary"] = "Weekend discharge team from September"
    bad = {**data, **date(f"c{rows[1].pk}-date", 31, 2, 2015)}
    assert client.post(section_url(ret, "conditions"), bad).status_code == 400
    assert client.post(section_url(ret, "conditions"), data).status_code == 302
    rows[1].refresh_from_db()
    assert (rows[1].status, str(rows[1].date)) == (ConditionStatus.IN_PROGRESS, "2015-09-30")
    assert "Weekend discharge team" in client.get(section_url(ret, "conditions")).content.decode()


@pytest.mark.parametrize(
    ("value", "message"),
    [("lots", "is not an amount of money"), ("-5", "negative"), ("99999999999999999", "too large")],
)
def test_finance_bad_money_is_an_error_beside_the_field(client, ret, board, value, message):
    login(client, board["editor"])
    income = ret.income.get()
    spend = ret.expenditure.get()
    data = {
        "revision": ret.revision,
        f"i{income.pk}-forecast": "£1,000,000",
        f"i{income.pk}-actual_to_date": value,
        f"e{spend.pk}-forecast": "900000",
        f"e{spend.pk}-actual_to_date": "200000",
    }
    response = client.post(section_url(ret, "finance"), data)
    assert response.status_code == 400
    content = response.content.decode()
    assert message.lower() in content.lower() and "govuk-input--error" in content
    spend.refresh_from_db()
    assert spend.forecast is None  # nothing half-saved


def test_finance_saves_and_shows_the_variance(client, ret, board):
    login(client, board["editor"])
    income, spend = ret.income.get(), ret.expenditure.get()
    data = {
        "revision": ret.revision,
        f"i{income.pk}-forecast": "£1,000,000",
        f"i{income.pk}-actual_to_date": "250000",
        f"e{spend.pk}-forecast": "900000",
        f"e{spend.pk}-actual_to_date": "200,000",
    }
    assert client.post(section_url(ret, "finance"), data).status_code == 302
    spend.refresh_from_db()
    assert (spend.forecast, spend.actual_to_date) == (900000, 200000)
    content = client.get(section_url(ret, "finance")).content.decode()
    assert "-£100,000.00" in content or "−£100,000.00" in content
    assert "(-10%)" in content


def test_admissions_save_revise_and_show_the_p4p_table(client, board):
    q4 = services.return_start(hwb=board["hwb"], period=period("2014/15 Q4"), user=board["editor"])
    complete(q4, board["editor"])
    ret = services.return_start(hwb=board["hwb"], period=period("2015/16 Q1"), user=board["editor"])
    login(client, board["editor"])
    response = client.post(
        section_url(ret, "admissions"), {"revision": ret.revision, "actual_1": "970", "actual_2": "x"}
    )
    assert response.status_code == 400 and "must be a number" in response.content.decode()
    response = client.post(
        section_url(ret, "admissions"), {"revision": ret.revision, "actual_1": "960", "actual_2": "-3"}
    )
    assert response.status_code == 400
    response = client.post(
        section_url(ret, "admissions"), {"revision": ret.revision, "actual_1": "960", "actual_2": "930"}
    )
    assert response.status_code == 302
    ret.refresh_from_db()
    assert ret.actuals[:2] == [960, 930]
    content = client.get(section_url(ret, "admissions")).content.decode()
    assert "Revised from 970 to 960" in content
    assert "<svg" in content and "Paid to date" in content
    assert "£52,150.00" in content and "£102,810.00" in content  # 35 then 69 admissions earned


def test_end_of_year_return_says_it_has_no_p4p_quarter(client, board):
    ret = services.return_start(hwb=board["hwb"], period=period("2015/16 Q4"), user=board["editor"])
    login(client, board["editor"])
    content = client.get(section_url(ret, "admissions")).content.decode()
    assert "end-of-year return" in content


def test_metrics_save_and_show_on_track(client, ret, board):
    login(client, board["editor"])
    metric = ret.metrics.get()
    data = {"revision": ret.revision, f"m{metric.pk}-actual": "abc", f"m{metric.pk}-period": "2014/15"}
    assert client.post(section_url(ret, "metrics"), data).status_code == 400
    data[f"m{metric.pk}-actual"] = "270"
    assert client.post(section_url(ret, "metrics"), data).status_code == 302
    assert "On track" in client.get(section_url(ret, "metrics")).content.decode()


def test_a_reviewer_reads_but_cannot_edit(client, ret, board):
    complete(ret, board["editor"], actuals={1: 970, 2: 930})
    services.return_sign(ret=ret, user=board["chair"])
    services.return_submit(ret=ret, user=board["chair"])
    login(client, board["reviewer"])
    for slug in ("cover", "budget", "conditions", "finance", "admissions", "metrics", "narrative"):
        response = client.get(section_url(ret, slug))
        assert response.status_code == 200, slug
        assert 'name="revision"' not in response.content.decode(), slug
    assert "Good progress on every scheme." in client.get(section_url(ret, "narrative")).content.decode()
    response = client.post(section_url(ret, "narrative"), {"revision": ret.revision, "narrative": "Changed"})
    assert response.status_code == 403
    ret.refresh_from_db()
    assert ret.narrative == "Good progress on every scheme."


def test_a_signed_off_return_is_read_only_for_its_editor(client, ret, board):
    complete(ret, board["editor"], actuals={1: 970, 2: 930})
    services.return_sign(ret=ret, user=board["chair"])
    login(client, board["editor"])
    response = client.get(section_url(ret, "cover"))
    assert "You can read this section but not change it" in response.content.decode()
    response = client.post(section_url(ret, "cover"), {"revision": ret.revision, "cover_name": "X"}, follow=True)
    assert "cannot change this return now" in response.content.decode()


def test_the_published_figure_shows_beside_the_boards_own(client, board):
    ret = services.return_start(hwb=board["hwb"], period=period("2014/15 Q4"), user=board["editor"])
    services.return_save_admissions(ret=ret, user=board["editor"], actuals={1: 970})
    PublishedAdmissions.objects.create(
        hwb=board["hwb"], quarter="2014/15 Q4", admissions=975, uploaded_at=timezone.now()
    )
    login(client, board["editor"])
    row = re.search(r'id="quarter-1">(.*?)</tr>', client.get(section_url(ret, "admissions")).content.decode(), re.S)
    assert "975" in row.group(1) and "Differs" in row.group(1)
    content = client.get(reverse("returns:overview", args=[ret.pk])).content.decode()
    assert "differ from the published figure" in content  # a warning everyone reads


def test_reopen_voids_the_sign_off(client, ret, board):
    complete(ret, board["editor"], actuals={1: 970, 2: 930})
    services.return_sign(ret=ret, user=board["chair"])
    login(client, board["editor"])
    assert "What needs to change?" in client.get(reverse("returns:overview", args=[ret.pk])).content.decode()
    response = client.post(reverse("returns:reopen", args=[ret.pk]), {"reason": "Quarter 1 figure was wrong"})
    assert response.url == reverse("returns:overview", args=[ret.pk])
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.DRAFT
    assert ret.signatures.get().void_reason.endswith("Quarter 1 figure was wrong")
    assert "Signed off by" not in client.get(response.url).content.decode()
