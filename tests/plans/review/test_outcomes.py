"""The assurance outcome drives what follows (issue 12, item 1): Approved and Approved with support
close the round; Approved subject to conditions can be returned to meet them; Not approved returns
the plan; a reviewer corrects an outcome with a reason; the Board sees it, is e-mailed it and can
download the outcome letter."""

import subprocess

import pytest
from django.core import mail
from django.urls import reverse

from bcf.core.jobs import run_jobs
from plans import access
from plans.models import AssuranceOutcome, ChangeRecord, PlanStatus, Verb
from plans.workflow import services as workflow
from tests.plans.review.test_review import NOTTS_CHAIR, NOTTS_EDITOR, NOTTS_REVIEWER, person, submit_notts, text_of


@pytest.fixture
def submitted(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    return submit_notts(demo["nottinghamshire"])


def assure(plan, outcome, **fields):
    with_conditions = {"conditions": "Agree the DFG split"} if outcome == "Approved subject to conditions" else {}
    workflow.plan_assure(plan=plan, user=person(NOTTS_REVIEWER), outcome=outcome, **with_conditions, **fields)
    plan.refresh_from_db()
    return plan


@pytest.mark.django_db(transaction=True)
class TestOutcomeDrivesWhatFollows:
    def test_not_approved_returns_the_plan_and_never_shows_assured(self, client, submitted):
        plan = assure(submitted, "Not approved", comment="The schemes do not add up to the pooled budget.")
        assert plan.status == PlanStatus.RETURNED
        assert plan.status_label == "Not approved: returned"
        client.force_login(person(NOTTS_EDITOR))
        page = text_of(client.get(reverse("plans:overview", args=[plan.pk])))
        assert "Assured" not in page
        assert "Not approved" in page and "The schemes do not add up to the pooled budget." in page
        versions = text_of(client.get(reverse("workflow:versions", args=[plan.pk])))
        assert "Assured" not in versions and "Not approved" in versions
        # Returned for resubmission: the editor can start a new version.
        new = workflow.resubmission_start(plan=plan, user=person(NOTTS_EDITOR))
        assert new.status == PlanStatus.DRAFT and new.version == plan.version + 1

    def test_approved_closes_the_round_and_cannot_be_returned(self, submitted):
        plan = assure(submitted, "Approved")
        assert plan.status == PlanStatus.ASSURED and plan.status_label == "Approved"
        assert not access.can(person(NOTTS_REVIEWER), access.Action.RETURN, plan)
        with pytest.raises(access.WrongState, match="approved, so it cannot be returned"):
            workflow.plan_return(plan=plan, user=person(NOTTS_REVIEWER), reasons="Second thoughts")

    def test_approved_subject_to_conditions_can_be_returned_to_meet_them(self, client, submitted):
        plan = assure(submitted, "Approved subject to conditions")
        assert plan.status_label == "Approved subject to conditions"
        client.force_login(person(NOTTS_REVIEWER))
        page = text_of(client.get(reverse("review:plan", args=[plan.pk])))
        assert "Return for the conditions to be met" in page
        response = client.post(reverse("workflow:return", args=[plan.pk]), {"reasons": "Meet the DFG condition"})
        assert response.status_code == 302
        plan.refresh_from_db()
        assert plan.status == PlanStatus.RETURNED
        assert plan.status_label == "Approved subject to conditions: returned"

    def test_a_reviewer_corrects_an_outcome_with_a_reason_kept_in_the_history(self, client, submitted):
        plan = assure(submitted, "Not approved", comment="Recorded against the wrong Board")
        client.force_login(person(NOTTS_REVIEWER))
        url = reverse("review:outcome", args=[plan.pk])
        assert "Correct the assurance outcome" in text_of(client.get(url))
        response = client.post(url, {"outcome": "Approved", "comment": "", "reason": "Recorded in error"})
        assert response.status_code == 302
        plan.refresh_from_db()
        assert (plan.status, plan.outcome) == (PlanStatus.ASSURED, "Approved")
        assert AssuranceOutcome.objects.get(plan=plan).outcome == "Approved"
        correction = ChangeRecord.objects.get(plan=plan, verb=Verb.OUTCOME_CORRECTED)
        assert correction.old.startswith("Not approved") and correction.new == "Approved"
        assert correction.payload == {"reason": "Recorded in error"}

    def test_editors_cannot_record_or_correct_an_outcome(self, submitted):
        with pytest.raises(access.NotAllowed):
            workflow.plan_assure(plan=submitted, user=person(NOTTS_EDITOR), outcome="Approved")
        plan = assure(submitted, "Approved")
        with pytest.raises(access.NotAllowed):
            workflow.plan_correct_outcome(plan=plan, user=person(NOTTS_EDITOR), outcome="Not approved", reason="x")


@pytest.mark.django_db(transaction=True)
def test_the_board_is_emailed_the_outcome_and_downloads_the_letter(client, submitted, tmp_path):
    mail.outbox.clear()
    plan = assure(submitted, "Approved subject to conditions", comment="A strong plan")
    run_jobs()  # the worker sends the e-mails
    to = {address for message in mail.outbox for address in message.to}
    assert {NOTTS_EDITOR, NOTTS_CHAIR} <= to
    message = next(m for m in mail.outbox if NOTTS_CHAIR in m.to)
    assert "Approved subject to conditions" in message.subject and "Agree the DFG split" in message.body
    assert reverse("outputs:outcome_letter", args=[plan.pk]) in message.body

    client.force_login(person(NOTTS_CHAIR))
    page = text_of(client.get(reverse("plans:overview", args=[plan.pk])))
    assert "Agree the DFG split" in page and "A strong plan" in page
    response = client.get(reverse("outputs:outcome_letter", args=[plan.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "letter.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    assert "Approved subject to conditions" in flat and "Agree the DFG split" in flat
    assert f"version {plan.version}" in flat
    assert plan.submission.content_hash[:32] in flat.replace(" ", "")
    assert "Derbyshire" in flat or person(NOTTS_REVIEWER).get_full_name() in flat


@pytest.mark.django_db
def test_no_letter_before_an_outcome(client, demo):
    client.force_login(person(NOTTS_EDITOR))
    plan = demo["nottinghamshire"]
    assert client.get(reverse("outputs:outcome_letter", args=[plan.pk])).status_code == 404
