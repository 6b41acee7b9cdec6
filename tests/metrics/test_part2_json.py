"""`part2` of bcf-plan/1: import → export gives an equal document; bad input names its path."""

import copy
from decimal import Decimal

import pytest

from bcf.core.imports import PlanImportError
from metrics.models import ExpenditureRow, FundingRow, Metric
from plans.content.document import plan_document
from plans.content.plan_json import import_plan
from plans.content.selectors import plan_view
from plans.models import Plan
from tests.conftest import demo_document

pytestmark = pytest.mark.django_db

COMPUTED = ("total_benefit", "computed")

PART2 = {
    "funding": [
        {"organisation": "Rutland County Council", "kind": "revenue", "2014/15": "500000.00", "2015/16": "813000.00"},
        {"organisation": "Rutland County Council", "kind": "dfg", "2014/15": "0.00", "2015/16": "104000.00"},
        {
            "organisation": "East Leicestershire and Rutland Clinical Commissioning Group",
            "kind": "revenue",
            "2014/15": "1000000.00",
            "2015/16": "1309000.00",
        },
    ],
    "expenditure": [
        {
            "scheme_ref": "UP2",
            "area_of_spend": "Social care",
            "commissioner": "Local authority",
            "nhs_share_percent": None,
            "provider": "Local authority",
            "source_of_funding": "Disabled Facilities Grant",
            "2014/15": "0.00",
            "2015/16": "104000.00",
            "new_or_existing": "existing",
        },
        {
            "scheme_ref": "UP4",
            "area_of_spend": "Community health",
            "commissioner": "Joint",
            "nhs_share_percent": 62.5,
            "provider": "NHS community",
            "source_of_funding": "CCG minimum contribution",
            "2014/15": "1500000.00",
            "2015/16": "2122000.00",
            "new_or_existing": "new",
        },
    ],
    "benefits": [
        {
            "scheme_ref": "UP4",
            "measure": "Reduction in non-elective admissions",
            "unit": "admission",
            "quarters": [20, 25, 25.5, 32],
            "value_per_unit": "1490.00",
        },
        {
            "scheme_ref": "UP1",
            "measure": "Fewer calls to the council's contact centre",
            "unit": "call",
            "quarters": [100, 100, 100, 100],
            "value_per_unit": "12.50",
        },
    ],
    "p4p": {
        "population": 37400,
        "baseline": [760, 731, 712, 740],
        "plan": [740, 710, 690, 715],
        "performance_element": "591000.00",
        "unit_saving": "1490.00",
        "justification": "Admissions fell 6% in 2013/14 already.",
    },
    "metrics": [
        {
            "code": "N1",
            "name": "Permanent admissions of older people (aged 65 and over) to residential and nursing care homes, "
            "per 100,000 population",
            "baseline": {"numerator": 45, "denominator": 8100, "value": 555.6, "period": "2013/14"},
            "targets": [
                {"label": "2014/15 plan", "numerator": 43, "denominator": 8300, "value": 518.1, "percent_change": None},
                {
                    "label": "2015/16 plan",
                    "numerator": None,
                    "denominator": None,
                    "value": 480,
                    "percent_change": -13.5,
                },
            ],
            "comment": "Older people's population grows 2.5% a year.",
        },
        {
            "code": "L1",
            "name": "Falls admissions",
            "baseline": {"numerator": None, "denominator": None, "value": 345, "period": "2012/13"},
            "targets": [
                {"label": "2014/15 plan", "numerator": None, "denominator": None, "value": 320, "percent_change": None},
                {"label": "2015/16 plan", "numerator": None, "denominator": None, "value": 276, "percent_change": -13},
            ],
            "comment": "",
            "definition": "Emergency admissions for falls, aged 65 and over",
            "source": "SUS",
        },
    ],
}


def inputs_only(part2):
    part2 = copy.deepcopy(part2)
    for benefit in part2["benefits"]:
        benefit.pop("total_benefit", None)
    if part2["p4p"]:
        part2["p4p"].pop("computed", None)
    return part2


def rutland_with(part2):
    doc = demo_document("rutland")
    doc["part2"] = copy.deepcopy(part2)
    return doc


def test_import_then_export_gives_an_equal_part2():
    plan = import_plan(rutland_with(PART2))
    exported = plan_document(plan_view(plan))["part2"]
    assert inputs_only(exported) == PART2
    again = import_plan(copy.deepcopy(plan_document(plan_view(plan))))
    assert plan_document(plan_view(again))["part2"] == exported


def test_export_writes_the_computed_figures_for_readers():
    plan = import_plan(rutland_with(PART2))
    exported = plan_document(plan_view(plan))["part2"]
    assert exported["benefits"][0]["total_benefit"] == "152725.00"  # 102.5 × £1,490
    assert exported["p4p"]["computed"] == {
        "baseline_total": 2943,
        "plan_total": 2855,
        "admissions_avoided": 88,
        "percent_reduction": 2.9901,
        "value": "131120.00",
        "left_for_out_of_hospital_services": "459880.00",
    }


def test_computed_metric_values_are_ignored_on_import():
    doc = rutland_with(PART2)
    doc["part2"]["metrics"][0]["baseline"]["value"] = 999
    plan = import_plan(doc)
    assert plan_document(plan_view(plan))["part2"]["metrics"][0]["baseline"]["value"] == 555.6


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda p: p["funding"][0].__setitem__("2015/16", "£1,228M"), "part2.funding[0].2015/16"),
        (lambda p: p["funding"][0].__setitem__("2014/15", "1.209111"), "part2.funding[0].2014/15"),
        (lambda p: p["funding"][0].__setitem__("2014/15", "-5.00"), "part2.funding[0].2014/15"),
        (
            lambda p: p["funding"][0].__setitem__("organisation", "Leicestershire County Council"),
            "part2.funding[0].organisation",
        ),
        (
            lambda p: p["funding"][2].__setitem__("kind", "dfg"),
            "part2.funding[2].kind",
        ),
        (lambda p: p["expenditure"][0].__setitem__("scheme_ref", "ZZ9"), "part2.expenditure[0].scheme_ref"),
        (lambda p: p["expenditure"][0].__setitem__("area_of_spend", "Leisure"), "part2.expenditure[0].area_of_spend"),
        (lambda p: p["expenditure"][0].__setitem__("nhs_share_percent", 40), "part2.expenditure[0].nhs_share_percent"),
        (lambda p: p["benefits"][0].__setitem__("quarters", [1, 2, 3]), "part2.benefits[0].quarters"),
        (lambda p: p["benefits"][0]["quarters"].__setitem__(2, -4), "part2.benefits[0].quarters[2]"),
        (lambda p: p["p4p"]["baseline"].__setitem__(1, "many"), "part2.p4p.baseline[1]"),
        (lambda p: p["metrics"][0].__setitem__("code", "N9"), "part2.metrics[0].code"),
        (
            lambda p: p["metrics"][1]["targets"][0].__setitem__("label", "2016/17 plan"),
            "part2.metrics[1].targets[0].label",
        ),
    ],
)
def test_bad_part2_input_names_its_path_and_creates_nothing(mutate, path):
    part2 = copy.deepcopy(PART2)
    mutate(part2)
    with pytest.raises(PlanImportError) as info:
        import_plan(rutland_with(part2))
    assert info.value.path == path
    assert Plan.objects.count() == 0
    assert FundingRow.objects.count() == ExpenditureRow.objects.count() == Metric.objects.count() == 0


def test_money_is_read_as_officers_write_it():
    part2 = copy.deepcopy(PART2)
    part2["funding"][0]["2014/15"] = "£21,838,000.00"
    part2["funding"][0]["2015/16"] = "£21.838m"
    part2["funding"][1]["2015/16"] = "21838000"
    plan = import_plan(rutland_with(part2))
    rows = list(FundingRow.objects.filter(plan=plan).order_by("position"))
    assert rows[0].amount_2014_15 == rows[0].amount_2015_16 == rows[1].amount_2015_16 == Decimal("21838000.00")


def test_an_april_2014_plan_has_no_p4p():
    doc = demo_document("nottinghamshire")
    doc["part2"]["p4p"] = copy.deepcopy(PART2["p4p"])
    with pytest.raises(PlanImportError) as info:
        import_plan(doc)
    assert info.value.path == "part2.p4p"
