"""Plans the PDF benchmark renders: the Rutland demo (2014-09) and a 2014-04 plan with a Part 2 that
draws every chart (the Cheshire East demo's words, with funding, expenditure and the six original
outcome metrics added), so the ratio is measured where the charts and the contents page cost most."""

import copy

from tests.conftest import demo_document

NAME_2014_04 = "Bench Part 2 (2014-04) Health and Wellbeing Board"
APRIL, OCTOBER = "Performance underpinning April 2015 payment", "Performance underpinning October 2015 payment"


def _metric(code, baseline, april, october, *, name=""):
    def figure(value):
        if isinstance(value, tuple):
            return {"numerator": value[0], "denominator": value[1], "value": None}
        return {"numerator": None, "denominator": None, "value": value}

    return {
        "code": code,
        "name": name,
        "baseline": {**figure(baseline), "period": "2013/14"},
        "targets": [
            {"label": APRIL, **figure(april), "percent_change": None},
            {"label": OCTOBER, **figure(october), "percent_change": None},
        ],
        "comment": "",
    }


def document_2014_04_with_part2():
    doc = copy.deepcopy(demo_document("cheshire-east"))
    doc["hwb"]["name"] = NAME_2014_04
    doc["hwb"]["local_authority"] = "Bench Part 2 Council"
    la, ccgs = doc["hwb"]["local_authority"], doc["hwb"]["ccgs"]
    refs = [s["ref"] for s in doc["schemes"]]
    areas = ["Social care", "Community health", "Acute", "Mental health", "Primary care", "Other"]
    doc["part2"] = {
        "funding": [
            {"organisation": la, "kind": "revenue", "2014/15": "4000000.00", "2015/16": "9000000.00"},
            *(
                {"organisation": ccg, "kind": "revenue", "2014/15": "3000000.00", "2015/16": "8000000.00"}
                for ccg in ccgs
            ),
        ],
        "expenditure": [
            {
                "scheme_ref": refs[i % len(refs)],
                "area_of_spend": area,
                "commissioner": "Local authority",
                "nhs_share_percent": None,
                "provider": "Local authority",
                "source_of_funding": "CCG minimum contribution",
                "2014/15": "1000000.00",
                "2015/16": "2500000.00",
                "new_or_existing": "existing",
            }
            for i, area in enumerate(areas)
        ],
        "benefits": [],
        "p4p": None,
        "metrics": [
            _metric("N1", (650, 80000), (620, 81000), (600, 82000)),
            _metric("N2", (170, 200), (172, 200), (175, 200)),
            _metric("N3", (900, 290000), (850, 291000), (800, 292000)),
            _metric("N4", (1900, 370000), (1850, 371000), (1800, 372000)),
            _metric("N5", 82.5, 83.0, 84.0, name="Patient experience"),
            _metric("L1", 40, 45, 50, name="Local metric: falls"),
        ],
    }
    return doc


def plan_2014_04_with_part2():
    from plans.content.plan_json import import_plan
    from plans.models import Plan

    plan = Plan.objects.filter(hwb__name=NAME_2014_04).order_by("-version").first()
    return plan or import_plan(document_2014_04_with_part2())
