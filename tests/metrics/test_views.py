"""The Part 2 pages: scoped to the user, editable only by editors of a draft, never a 500 on bad input."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from metrics.models import BenefitRow, ExpenditureRow, FundingRow, Metric, P4PMetric, ReferenceData
from plans.editing import STALE_MESSAGE
from plans.models import ChangeRecord, PlanStatus, Role
from tests.factories import PlanFactory, RoleFactory, SchemeFactory, editor_for

from .factories import BenefitRowFactory, ExpenditureRowFactory, complete_part2_plan

pytestmark = pytest.mark.django_db

PAGES = [
    "summary",
    "funding",
    "expenditure",
    "benefits",
    "p4p",
    "metrics",
    "expenditure_add",
    "benefits_add",
    "workbook_upload",
]


def url(name, plan, *args):
    return reverse(f"metrics:{name}", args=[plan.pk, *args])


@pytest.fixture
def plan():
    return complete_part2_plan()


@pytest.fixture
def editor(client, plan):
    client.force_login(editor_for(plan))
    return client


def test_every_page_renders_for_an_editor(editor, plan):
    for name in PAGES:
        response = editor.get(url(name, plan))
        assert response.status_code == 200, name
    assert editor.get(url("metric", plan, "N1")).status_code == 200
    line = ExpenditureRow.objects.filter(plan=plan).first()
    assert editor.get(url("expenditure_edit", plan, line.pk)).status_code == 200
    assert editor.get(url("expenditure_remove", plan, line.pk)).status_code == 200


def test_another_hwbs_plan_and_its_lines_are_not_found(client, plan):
    client.force_login(editor_for(PlanFactory()))
    for name in PAGES:
        assert client.get(url(name, plan)).status_code == 404, name
    line = ExpenditureRow.objects.filter(plan=plan).first()
    assert client.get(url("expenditure_edit", plan, line.pk)).status_code == 404
    assert client.post(url("expenditure_remove", plan, line.pk)).status_code == 404
    own = PlanFactory()
    client.force_login(editor_for(own))
    assert client.get(url("expenditure_edit", own, line.pk)).status_code == 404  # a line of another plan


def test_the_plan_overview_lists_part2_with_statuses(editor, plan):
    page = editor.get(reverse("plans:overview", args=[plan.pk])).content.decode()
    assert "Part 2: finance and metrics" in page
    for title in (
        "Funding sources",
        "Expenditure plan",
        "Benefits plan",
        "Pay-for-performance metric",
        "Supporting metrics",
    ):
        assert title in page
    assert 'id="status-part2-funding">Completed' in page


def test_a_reviewer_reads_but_cannot_change(client, plan):
    client.force_login(RoleFactory(role=Role.REVIEWER, area_team=plan.hwb.area_team).user)
    page = client.get(url("expenditure", plan)).content.decode()
    assert "Community Agents" in page and "Add another expenditure line" not in page
    response = client.post(url("funding", plan), {"revision": 0, "line0_2014_15": "1"})
    assert response.status_code == 302
    assert not ChangeRecord.objects.filter(plan=plan).exists()
    assert client.get(url("expenditure_add", plan)).status_code == 302


def test_a_plan_awaiting_sign_off_cannot_be_changed(client):
    plan = PlanFactory(awaiting_sign_off=True)
    client.force_login(editor_for(plan))
    response = client.post(url("p4p", plan), {"revision": 0, "unit_saving": "1490"}, follow=True)
    assert "cannot be changed" in response.content.decode()
    assert not P4PMetric.objects.filter(plan=plan).exists()
    assert plan.status == PlanStatus.AWAITING_SIGN_OFF


# --- funding -------------------------------------------------------------------------------------


def funding_post(values, revision=0):
    data = {"revision": revision}
    data.update(values)
    return data


@pytest.mark.parametrize("typed", ["£21,838,000.00", "21838000", "£21.838m"])
def test_money_is_stored_to_the_penny_however_it_is_typed(editor, plan, typed):
    response = editor.post(url("funding", plan), funding_post({"line0_2014_15": typed, "line0_2015_16": "900000"}))
    assert response.status_code == 302
    council = FundingRow.objects.get(plan=plan, organisation="Example Borough Council", kind="revenue")
    assert council.amount_2014_15 == Decimal("21838000.00")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("£1,228M", "is ambiguous: use either commas (£1,228,000) or a suffix (£1.228m), not both"),
        ("1.209111", "has more than two decimal places"),
    ],
)
def test_ambiguous_money_is_refused_with_a_clear_message_and_kept_on_screen(editor, plan, typed, message):
    response = editor.post(url("funding", plan), funding_post({"line0_2014_15": typed, "line0_2015_16": "900000"}))
    page = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in page and 'href="#id_line0_2014_15"' in page
    assert message in page
    assert f'value="{typed}"' in page
    assert FundingRow.objects.get(plan=plan, organisation="Example Borough Council").amount_2014_15 == Decimal(
        "400000.00"
    )


def test_funding_save_records_history_and_removes_emptied_lines(editor, plan):
    response = editor.post(
        url("funding", plan),
        funding_post({"line0_2014_15": "£450k", "line0_2015_16": "900000", "line3_2014_15": "", "line3_2015_16": ""}),
    )
    assert response.status_code == 302
    changes = list(ChangeRecord.objects.filter(plan=plan).values_list("field", "old", "new"))
    assert ("Funding Example Borough Council – Revenue contribution.2014/15", "400000.00", "450000.00") in changes
    assert any(field == "Funding NHS Example CCG – Revenue contribution removed" for field, _, _ in changes)
    assert not FundingRow.objects.filter(plan=plan, organisation="NHS Example CCG").exists()


def test_a_second_save_from_a_stale_page_is_refused_and_the_text_kept(editor, plan):
    first = editor.post(url("funding", plan), funding_post({"line0_2014_15": "1", "line0_2015_16": "2"}))
    assert first.status_code == 302
    second = editor.post(url("funding", plan), funding_post({"line0_2014_15": "777", "line0_2015_16": "2"}))
    page = second.content.decode()
    assert second.status_code == 400
    assert "Someone else saved this section after you opened it" in page
    assert 'value="777"' in page
    assert FundingRow.objects.get(plan=plan, organisation="Example Borough Council").amount_2014_15 == Decimal("1.00")
    assert STALE_MESSAGE.startswith("Someone else saved")


def test_the_funding_totals_are_shown_beside_the_inputs_and_live(editor, plan):
    page = editor.get(url("funding", plan)).content.decode()
    assert "£1,000,000.00" in page and "£2,500,000.00" in page
    live = editor.post(
        url("funding", plan),
        funding_post(
            {
                "line0_2014_15": "500000",
                "line0_2015_16": "900000",
                "line3_2014_15": "600000",
                "line3_2015_16": "1600000",
                "action": "calculate",
            }
        ),
        HTTP_X_BCF_LIVE="1",
    )
    fragment = live.content.decode()
    assert live.status_code == 200 and "<html" not in fragment
    assert "£1,100,000.00" in fragment and "£100,000.00" in fragment  # the total and its difference from the agreed
    assert FundingRow.objects.get(plan=plan, organisation="Example Borough Council").amount_2014_15 == Decimal(
        "400000.00"
    )


# --- expenditure and benefits lines ----------------------------------------------------------------


def expenditure_data(plan, **overrides):
    scheme = plan.schemes.get(ref="UP1")
    data = {
        "revision": 0,
        "scheme": scheme.pk,
        "area_of_spend": "Acute",
        "commissioner": "CCG",
        "nhs_share_percent": "",
        "provider": "NHS acute",
        "source_of_funding": "CCG minimum contribution",
        "amount_2014_15": "£0",
        "amount_2015_16": "£12,500",
        "new_or_existing": "new",
    }
    data.update(overrides)
    return data


def test_save_and_add_another_line(editor, plan):
    response = editor.post(url("expenditure_add", plan), expenditure_data(plan, action="save-add"))
    assert response.status_code == 302 and response["Location"] == url("expenditure_add", plan)
    line = ExpenditureRow.objects.filter(plan=plan).order_by("-position").first()
    assert (line.area_of_spend, line.amount_2015_16, line.position) == ("Acute", Decimal("12500.00"), 3)
    assert ChangeRecord.objects.filter(plan=plan, field="Expenditure line 3 added").exists()
    page = editor.get(url("expenditure", plan)).content.decode()
    assert "Add another expenditure line" in page and "£2,512,500.00" in page


def test_a_joint_line_needs_the_nhs_share_and_nothing_is_saved(editor, plan):
    response = editor.post(url("expenditure_add", plan), expenditure_data(plan, commissioner="Joint"))
    page = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_nhs_share_percent"' in page and "Enter the NHS share" in page
    assert ExpenditureRow.objects.filter(plan=plan).count() == 2


def test_a_scheme_of_another_plan_cannot_be_chosen(editor, plan):
    stranger = SchemeFactory(plan=PlanFactory())
    response = editor.post(url("expenditure_add", plan), expenditure_data(plan, scheme=stranger.pk))
    assert response.status_code == 400
    assert ExpenditureRow.objects.filter(plan=plan).count() == 2


def test_removing_a_line_is_recorded(editor, plan):
    line = ExpenditureRow.objects.filter(plan=plan).first()
    response = editor.post(url("expenditure_remove", plan, line.pk), {"revision": 0})
    assert response.status_code == 302
    assert not ExpenditureRow.objects.filter(pk=line.pk).exists()
    assert ChangeRecord.objects.filter(plan=plan, field=f"Expenditure line {line.position} removed").exists()


def benefit_data(plan, **overrides):
    data = {
        "revision": 0,
        "scheme": plan.schemes.get(ref="HDR2").pk,
        "measure": "Other",
        "measure_other": "Fewer home care hours",
        "unit": "hour",
        "q1": "100",
        "q2": "120.5",
        "q3": "",
        "q4": "80",
        "value_per_unit": "£15.50",
    }
    data.update(overrides)
    return data


def test_the_benefit_total_is_calculated_without_saving(editor, plan):
    response = editor.post(url("benefits_add", plan), benefit_data(plan, action="calculate"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "300.50" in page and "£4,657.75" in page  # 300.5 hours × £15.50
    live = editor.post(url("benefits_add", plan), benefit_data(plan, action="calculate", q3="10"), HTTP_X_BCF_LIVE="1")
    assert "£4,812.75" in live.content.decode() and "<html" not in live.content.decode()
    assert BenefitRow.objects.filter(plan=plan).count() == 1
    assert editor.post(url("benefits_add", plan), benefit_data(plan)).status_code == 302
    saved = BenefitRow.objects.get(plan=plan, measure="Other")
    assert (saved.measure_other, saved.q2, saved.q3) == ("Fewer home care hours", Decimal("120.50"), Decimal("0"))


def test_an_other_benefit_needs_its_name(editor, plan):
    response = editor.post(url("benefits_add", plan), benefit_data(plan, measure_other=""))
    assert response.status_code == 400 and 'href="#id_measure_other"' in response.content.decode()


# --- P4P and metrics -----------------------------------------------------------------------------------


def test_the_p4p_page_starts_from_the_reference_data_and_shows_the_rutland_figures(client):
    plan = PlanFactory()
    ReferenceData.objects.create(hwb=plan.hwb, edition="2014-09", performance_element=Decimal("591000"))
    client.force_login(editor_for(plan))
    page = client.get(url("p4p", plan)).content.decode()
    assert 'value="£591,000.00"' in page and 'value="£1,490.00"' in page
    data = {
        "revision": 0,
        "population": "37,400",
        "performance_element": "£591k",
        "unit_saving": "£1,490",
        "justification": "",
    }
    for i, (baseline, planned) in enumerate(zip([760, 731, 712, 740], [733, 705, 688, 714], strict=True), start=1):
        data[f"baseline_q{i}"], data[f"plan_q{i}"] = str(baseline), str(planned)
    live = client.post(url("p4p", plan), {**data, "action": "calculate"}, HTTP_X_BCF_LIVE="1").content.decode()
    for figure in ("103", "3.5%", "£153,470.00", "£437,530.00", "2,032.1"):
        assert figure in live
    assert not P4PMetric.objects.filter(plan=plan).exists()
    assert client.post(url("p4p", plan), data).status_code == 302
    p4p = P4PMetric.objects.get(plan=plan)
    assert (p4p.population, p4p.planned, p4p.performance_element) == (37400, [733, 705, 688, 714], Decimal("591000.00"))
    page = client.get(url("p4p", plan)).content.decode()
    assert "£153,470.00" in page and "£437,530.00" in page and "Non-elective admissions: baseline and plan" in page


def test_bad_p4p_input_is_refused_on_the_page(editor, plan):
    response = editor.post(
        url("p4p", plan), {"revision": 0, "population": "lots", "baseline_q1": "-5", "unit_saving": "1490"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_population"' in page and 'href="#id_baseline_q1"' in page
    assert P4PMetric.objects.get(plan=plan).population == 37400


def test_an_april_2014_plan_has_no_p4p_page(client):
    plan = PlanFactory(original=True)
    client.force_login(editor_for(plan))
    assert client.get(url("p4p", plan)).status_code == 404
    assert client.get(url("metric", plan, "N4")).status_code == 200
    assert client.get(url("metric", plan, "N9")).status_code == 404


def test_a_metric_is_saved_with_its_computed_values(editor, plan):
    data = {
        "revision": 0,
        "f0_label": "2012/13",
        "f0_numerator": "69",
        "f0_denominator": "20,000",
        "f1_numerator": "",
        "f1_denominator": "",
        "f1_stated_value": "300",
        "f1_percent_change": "-13",
        "f2_stated_value": "276",
        "f2_percent_change": "-20",
        "comment": "",
    }
    live = editor.post(url("metric", plan, "N1"), {**data, "action": "calculate"}, HTTP_X_BCF_LIVE="1").content.decode()
    assert "345.0 per 100,000 population" in live and "300.2 per 100,000 population" in live
    assert editor.post(url("metric", plan, "N1"), data).status_code == 302
    page = editor.get(url("metrics", plan)).content.decode()
    assert "345.0 per 100,000 population" in page and "Does not agree" not in page
    data["f2_percent_change"] = "-13"
    assert editor.post(url("metric", plan, "N1"), {**data, "revision": 1}).status_code == 302
    assert "Does not agree" in editor.get(url("metrics", plan)).content.decode()
    assert Metric.objects.get(plan=plan, code="N1").figures.get(position=0).label == "2012/13"


def test_half_a_ratio_is_refused(editor, plan):
    response = editor.post(url("metric", plan, "N2"), {"revision": 0, "f0_numerator": "170", "f0_denominator": ""})
    assert response.status_code == 400 and "enter both the numerator and the denominator" in response.content.decode()


# --- query counts --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["summary", "funding", "expenditure", "benefits", "metrics", "p4p"])
def test_list_pages_do_not_grow_in_queries_with_their_rows(client, django_assert_max_num_queries, name):
    small, large = complete_part2_plan(), complete_part2_plan()
    for _ in range(30):
        scheme = SchemeFactory(plan=large)
        ExpenditureRowFactory(plan=large, scheme=scheme)
        BenefitRowFactory(plan=large, scheme=scheme)
    counts = []
    for plan in (small, large):
        client.force_login(editor_for(plan))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(name, plan)).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1] <= 30, counts
    with django_assert_max_num_queries(counts[0]):
        client.get(url(name, large))


def test_only_the_named_metrics_ask_for_a_name_definition_and_source(editor, plan):
    n1 = editor.get(url("metric", plan, "N1")).content.decode()
    assert 'name="name"' not in n1 and 'name="definition"' not in n1
    l1 = editor.get(url("metric", plan, "L1")).content.decode()
    assert 'name="name"' in l1 and 'name="definition"' in l1 and 'name="source"' in l1


def test_numbers_too_large_to_store_are_refused_on_the_page(editor, plan):
    response = editor.post(url("benefits_add", plan), benefit_data(plan, q1="1" + "0" * 15))
    assert response.status_code == 400
    assert "The planned change in Q1 2015/16 must be between 0 and 999,999,999,999" in response.content.decode()
    response = editor.post(url("benefits_add", plan), benefit_data(plan, q1="1e15"))
    assert response.status_code == 400
    assert "The planned change in Q1 2015/16 must be written out in full" in response.content.decode()
    response = editor.post(url("metric", plan, "N1"), {"revision": 0, "f0_numerator": "1" * 20, "f0_denominator": "5"})
    assert response.status_code == 400
