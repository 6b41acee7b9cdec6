"""The national view says which Boards have not yet submitted this round and which are late, with a
CSV; each plan keeps one address across its versions (issue 12, item 8)."""

import csv
import io

import pytest
from django.urls import reverse

from plans.models import HealthAndWellbeingBoard
from plans.review.selectors import round_progress
from plans.workflow import services as workflow
from tests.factories import HWBFactory
from tests.plans.review.test_review import NATIONAL, NOTTS_EDITOR, NOTTS_REVIEWER, person, submit_notts, text_of


@pytest.mark.django_db
def test_boards_yet_to_submit_and_late_ones_with_a_csv(client, demo):
    submit_notts(demo["nottinghamshire"])  # the final round, after its deadline (today): late
    client.force_login(person(NATIONAL))
    page = text_of(client.get(reverse("review:national") + "?round=final"))
    assert "Final round: Boards yet to submit" in page
    assert "Cheshire East Health and Wellbeing Board" in page  # in the final round, not submitted
    progress = round_progress("final")
    outstanding = {b.hwb.name for b in progress.outstanding}
    assert "Cheshire East Health and Wellbeing Board" in outstanding
    assert "Nottinghamshire Health and Wellbeing Board" not in outstanding
    assert "Rutland Health and Wellbeing Board" in outstanding  # its plan is for another round
    assert {b.hwb.name for b in progress.late} >= {"Nottinghamshire Health and Wellbeing Board"}

    response = client.get(reverse("review:national_outstanding_csv") + "?round=final")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_board = {r["Health and Wellbeing Board"]: r for r in rows}
    assert len(rows) == HealthAndWellbeingBoard.objects.count()
    assert by_board["Nottinghamshire Health and Wellbeing Board"]["Submitted"]
    assert by_board["Cheshire East Health and Wellbeing Board"]["Submitted"] == ""
    assert by_board["Cheshire East Health and Wellbeing Board"]["Late"] == "Yes"


@pytest.mark.django_db
def test_the_round_view_takes_the_same_queries_for_more_boards(django_assert_max_num_queries, demo):
    with django_assert_max_num_queries(3):
        assert round_progress("final").late
    HWBFactory.create_batch(20)
    with django_assert_max_num_queries(3):
        assert len(round_progress("final").boards) >= 23


@pytest.mark.django_db
def test_the_plans_address_opens_its_newest_version(client, demo):
    plan = submit_notts(demo["nottinghamshire"])
    workflow.plan_return(plan=plan, user=person(NOTTS_REVIEWER), reasons="Add the DFG split")
    plan.refresh_from_db()
    new = workflow.resubmission_start(plan=plan, user=person(NOTTS_EDITOR))
    client.force_login(person(NOTTS_EDITOR))
    response = client.get(reverse("plans:line", args=[plan.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("plans:overview", args=[new.pk])
