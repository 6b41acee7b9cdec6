"""A return from start to the area team's decision, through plans.access like a plan (DOMAIN.md §10)."""

import pytest

from plans.access import NotAllowed, WrongState
from plans.models import AdmissionsRevision, ReturnStatus
from plans.returns import services
from plans.returns.checks import check_return
from plans.returns.selectors import return_view
from tests.factories import HWBFactory
from tests.returns.conftest import complete, period

pytestmark = pytest.mark.django_db


def test_a_return_is_prefilled_from_the_latest_submitted_plan(board):
    ret = services.return_start(hwb=board["hwb"], period=period("2015/16 Q1"), user=board["editor"])
    assert ret.plan == board["plan"]
    assert [c.key for c in ret.conditions.all()] == [
        "social_care",
        "seven_day",
        "data_sharing",
        "joint_assessment",
        "acute_impact",
    ]
    (scheme,) = ret.expenditure.all()
    assert (scheme.scheme_ref, scheme.planned) == ("S1", 1000000)  # two lines of tab 3 added up
    (metric,) = ret.metrics.all()
    assert (metric.code, metric.baseline, metric.target) == ("N1", 345, 276)
    assert ret.cover_email == board["editor"].email
    with pytest.raises(services.ReturnExists):
        services.return_start(hwb=board["hwb"], period=period("2015/16 Q1"), user=board["editor"])


def test_no_return_without_a_submitted_plan(db, board):
    other = HWBFactory()
    with pytest.raises(services.NoSubmittedPlan, match="has no submitted plan"):
        services.return_start(hwb=other, period=period("2015/16 Q1"), user=None)


def test_sign_submit_accept_and_the_signature_binds_the_content(board):
    ret = services.return_start(hwb=board["hwb"], period=period("2014/15 Q4"), user=board["editor"])
    with pytest.raises(services.ReturnHasErrors):
        services.return_sign(ret=ret, user=board["chair"])
    ret = complete(ret, board["editor"])
    assert [i.line() for i in check_return(return_view(ret)) if i.is_error] == []
    with pytest.raises(NotAllowed):
        services.return_sign(ret=ret, user=board["editor"])
    services.return_sign(ret=ret, user=board["delegate"])  # the chair's delegate may sign
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.SIGNED_OFF
    with pytest.raises(WrongState):
        services.return_update(ret=ret, user=board["editor"], values={"narrative": "Changed"})
    services.return_reopen(ret=ret, user=board["editor"], reason="A figure was wrong")
    services.return_update(ret=ret, user=board["editor"], values={"narrative": "Changed"})
    assert return_view(ret).valid_signature is None  # the change voided it
    services.return_sign(ret=ret, user=board["chair"])
    submission = services.return_submit(ret=ret, user=board["chair"])
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.SUBMITTED
    assert submission.content_hash == return_view(ret).valid_signature.content_hash
    with pytest.raises(NotAllowed):
        services.return_accept(ret=ret, user=board["editor"])
    services.return_accept(ret=ret, user=board["reviewer"], comment="Thank you")
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.ACCEPTED and ret.decision.comment == "Thank you"


def test_a_returned_return_is_resubmitted_as_a_new_version(board):
    ret = complete(
        services.return_start(hwb=board["hwb"], period=period("2014/15 Q4"), user=board["editor"]), board["editor"]
    )
    services.return_sign(ret=ret, user=board["chair"])
    services.return_submit(ret=ret, user=board["chair"])
    with pytest.raises(services.ReturnError):
        services.return_send_back(ret=ret, user=board["reviewer"], comment=" ")
    services.return_send_back(ret=ret, user=board["reviewer"], comment="Quarter 1 looks wrong")
    new = services.return_resubmit(ret=ret, user=board["editor"])
    ret.refresh_from_db()
    assert (ret.status, ret.is_current) == (ReturnStatus.RETURNED, False)
    assert (new.version, new.status, new.previous_id, new.actual_1) == (2, ReturnStatus.DRAFT, ret.pk, 970)
    assert new.conditions.count() == 5


def test_earlier_actuals_carry_over_and_a_revision_is_recorded(board):
    q4 = complete(
        services.return_start(hwb=board["hwb"], period=period("2014/15 Q4"), user=board["editor"]), board["editor"]
    )
    q1 = services.return_start(hwb=board["hwb"], period=period("2015/16 Q1"), user=board["editor"])
    assert q1.actuals == [970, None, None, None]
    services.return_save_admissions(ret=q1, user=board["editor"], actuals={1: 975, 2: 930})
    (revision,) = AdmissionsRevision.objects.filter(quarterly_return=q1)
    assert (revision.quarter, revision.old, revision.new) == (1, 970, 975)
    q1.refresh_from_db()
    schedule = return_view(q1).schedule
    assert [q.payment for q in schedule[:2]] == [25 * 1490, 44 * 1490]  # 975 → 25 achieved; then 69 − 25
    assert q4.actual_1 == 970  # the earlier return keeps what it reported


def test_the_area_team_is_emailed_the_submission_and_the_board_the_decision(board, run_jobs, mailoutbox):
    ret = complete(
        services.return_start(hwb=board["hwb"], period=period("2014/15 Q4"), user=board["editor"]), board["editor"]
    )
    services.return_sign(ret=ret, user=board["chair"])
    services.return_submit(ret=ret, user=board["chair"])
    run_jobs()
    (to_reviewer,) = [m for m in mailoutbox if m.to == [board["reviewer"].email]]
    assert to_reviewer.subject == f"Quarterly return submitted: {board['hwb'].name}, 2014/15 Q4 (late)"
    assert f"/returns/{ret.pk}/" in to_reviewer.body
    mailoutbox.clear()
    services.return_send_back(ret=ret, user=board["reviewer"], comment="Explain quarter 1")
    run_jobs()
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert recipients == sorted(board[k].email for k in ("editor", "chair", "delegate"))
    assert all("Explain quarter 1" in m.body and "Start a new version" in m.body for m in mailoutbox)
