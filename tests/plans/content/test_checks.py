"""The Part 1 checks of DOMAIN.md §6, and the check_plan command."""

import pytest

from bcf.core.issues import ERROR, WARNING
from bcf.core.placeholders import find_placeholders
from plans.content.checks import check_plan
from plans.content.plan_json import import_plan
from plans.content.selectors import plan_view
from plans.models import Answer, Provider, ProviderCommentary
from tests.conftest import demo_document
from tests.factories import MilestoneFactory, PlanFactory, RiskFactory, SchemeFactory


def messages(plan, level=None):
    return [i.message for i in check_plan(plan_view(plan)) if level is None or i.level == level]


@pytest.mark.parametrize(
    "text",
    [
        "Signed <date>",
        "Date submitted: <dd/mm/yyyy>",
        "By <name of signatory>",
        "Position <job title>",
        "xx emergency admissions",
        "Xxx people will",
        "saving of £1xxk",
        "the date is tbc",
        "To be completed",
        "Insert key findings here",
        "see Error! Reference source not found.",
    ],
)
def test_template_placeholders_are_found(text):
    assert find_placeholders(text)


@pytest.mark.parametrize(
    "text",
    ["The strategy is due to be completed by June 2014.", "Essex and Sussex", "Box 12", "maxx", "TBCT partners"],
)
def test_ordinary_prose_is_not_a_placeholder(text):
    assert find_placeholders(text) == []


def test_rutland_draft_placeholders_are_errors(db):
    plan = import_plan(demo_document("rutland"))
    errors = messages(plan, ERROR)
    assert any("“£1xxk”" in m for m in errors)
    assert any("“Error! Reference source" in m for m in errors)
    assert any("Annex 1" in m for m in errors)


def test_nottinghamshire_final_plan_has_no_errors(db):
    plan = import_plan(demo_document("nottinghamshire"))
    assert messages(plan, ERROR) == []


def test_empty_required_answers_are_errors_with_links(db):
    plan = PlanFactory(original=True)
    issues = check_plan(plan_view(plan))
    missing = [i for i in issues if i.section == "vision"]
    assert missing and missing[0].anchor == "id_vision-vision-text"
    assert any(i.message.startswith("Summary of Plan: enter the total agreed value") for i in issues)


def test_nhs_number_not_in_use_needs_a_commitment_date(db):
    plan = PlanFactory(original=True)
    Answer.objects.create(plan=plan, key="conditions.nhs_number", yes=False, text="Not yet")
    assert any("give the date it will be in place by" in m for m in messages(plan, ERROR))
    Answer.objects.create(plan=plan, key="conditions.nhs_number_commitment", text="By spring", date="2015-04-01")
    assert not any("give the date it will be in place by" in m for m in messages(plan, ERROR))


def test_commitment_date_before_submission_is_a_warning(db):
    plan = PlanFactory(original=True)
    Answer.objects.create(plan=plan, key="conditions.nhs_number", yes=False, text="No")
    Answer.objects.create(plan=plan, key="conditions.nhs_number_commitment", text="Done", date="2013-01-01")
    assert any("before the submission date" in m for m in messages(plan, WARNING))


def test_risk_scores_outside_one_to_five_are_errors(db):
    plan = PlanFactory()
    RiskFactory(plan=plan, likelihood=6, impact=0)
    errors = messages(plan, ERROR)
    assert any("likelihood must be from 1 to 5 (it is 6)" in m for m in errors)
    assert any("impact must be from 1 to 5 (it is 0)" in m for m in errors)


def test_milestone_dependency_errors_and_unknown_scheme_warning(db):
    plan = PlanFactory()
    SchemeFactory(plan=plan, ref="UP1")
    MilestoneFactory(plan=plan, number=1, depends_on=[2], scheme_ref="UP1")
    MilestoneFactory(plan=plan, number=2, depends_on=[1], scheme_ref="ZZ9")
    MilestoneFactory(plan=plan, number=3, depends_on=[40])
    assert any("circle" in m for m in messages(plan, ERROR))
    assert any("milestone 40, which does not exist" in m for m in messages(plan, ERROR))
    assert any("“ZZ9” is not in the list of schemes" in m for m in messages(plan, WARNING))


def test_annex2_q2_is_required_when_the_provider_disagrees(db):
    plan = PlanFactory()
    commentary = ProviderCommentary.objects.create(
        plan=plan, provider=Provider.objects.create(name="Peterborough"), agrees=False
    )
    assert any("Q2 must explain why" in m for m in messages(plan, ERROR))
    commentary.disagreement = "Our own plan shows growth"
    commentary.save()
    assert not any("Q2 must explain why" in m for m in messages(plan, ERROR))


def test_breakdown_not_adding_up_and_carers_above_care_act_are_warnings(db):
    plan = PlanFactory()
    Answer.objects.create(
        plan=plan,
        key="conditions.social_care_amount",
        amount="679000",
        care_act_amount="110000",
        breakdown=[{"label": "DFG", "amount": "104000.00"}, {"label": "Reablement", "amount": "536000.00"}],
    )
    Answer.objects.create(plan=plan, key="conditions.carers", amount="141000", text="Carers")
    warnings = messages(plan, WARNING)
    assert any("adds up to £640,000.00, not the stated total £679,000.00" in m for m in warnings)
    assert any("carers' support (£141,000.00) is greater than the Care Act amount" in m for m in warnings)


def test_total_below_minimum_is_an_error(db):
    plan = PlanFactory(total_agreed_2014_15="1000000", minimum_2014_15="1209000")
    assert any("below the minimum required (£1,209,000.00)" in m for m in messages(plan, ERROR))


@pytest.mark.django_db(transaction=True)
def test_check_plan_command_prints_prefixed_lines_and_exit_status(capsys):
    from django.core.management import call_command

    rutland = import_plan(demo_document("rutland"))
    notts = import_plan(demo_document("nottinghamshire"))
    with pytest.raises(SystemExit) as exited:
        call_command("check_plan", rutland.pk)
    assert exited.value.code == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines and all(line.startswith(("ERROR ", "WARNING ")) for line in lines)
    assert any("£1xxk" in line for line in lines)
    call_command("check_plan", notts.pk)  # no error: returns normally (exit status 0)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("DRAFT", "Cannot start yet"),
        ("AWAITING_SIGN_OFF", "In progress"),
        ("SIGNED_OFF", "Completed"),
        ("SUBMITTED", "Completed"),
    ],
)
def test_sign_off_task_status_follows_the_workflow(db, status, expected):
    from plans.content.checks import section_statuses

    plan = PlanFactory(status=status)
    view = plan_view(plan)
    assert section_statuses(view, check_plan(view))["signoff"] == expected
