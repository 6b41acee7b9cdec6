"""The demo's year of returns (`make run` loads it with `load_demo --returns`): three stories, the
figures illustrative and labelled so in the fixture."""

import io
import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from plans.models import PlanStatus, QuarterlyReturn, ReturnPeriod, ReturnStatus
from plans.returns.checks import check_return
from plans.returns.national import national_returns
from plans.returns.selectors import return_view
from tests.conftest import DEMO


@pytest.fixture
def demo_returns(db):
    out = io.StringIO()
    call_command("load_demo", "--returns", stdout=out)
    return out.getvalue()


def _current(name):
    return {
        r.period_id: r
        for r in QuarterlyReturn.objects.filter(hwb__name__startswith=name, is_current=True).select_related("period")
    }


def test_the_fixture_says_its_figures_are_illustrative():
    config = json.loads((DEMO / "returns.json").read_text())
    assert config["x_note"].startswith("ILLUSTRATIVE FIGURES")


def test_three_stories(demo_returns, client):
    assert "Figures illustrative" in demo_returns
    rutland = _current("Rutland")
    assert len(rutland) == 5 and all(r.status == ReturnStatus.ACCEPTED for r in rutland.values())
    assert rutland["2015/16 Q3"].plan.status == PlanStatus.ASSURED
    # Rutland earned its payment: 103 admissions avoided × £1,490, all of it released.
    assert return_view(rutland["2015/16 Q4"]).released == (Decimal("153470.00"), Decimal("0.00"))

    notts = _current("Nottinghamshire")
    schedule = return_view(notts["2015/16 Q4"]).schedule
    first = schedule[0]
    assert first.achieved_reduction < first.planned_reduction  # a short first quarter…
    assert schedule[1].payment > schedule[1].planned_reduction * Decimal("1490")  # …caught up in the next
    assert schedule[3].not_released == 0
    assert notts["2014/15 Q4"].version == 2  # returned once by the area team, then accepted
    assert notts["2014/15 Q4"].plan.edition == "2014-09"  # the revised template, with its P4P tab

    cheshire = _current("Cheshire East")
    outstanding = cheshire["2015/16 Q3"]
    assert outstanding.status == ReturnStatus.DRAFT and "2015/16 Q4" not in cheshire
    assert any("was due on 26 February 2016" in i.message for i in check_return(return_view(outstanding)))
    # The national view shows it outstanding and late.
    national = User.objects.get(email="national@bcf.example.org")
    figures = national_returns(national, ReturnPeriod.objects.get(code="2015/16 Q3"))
    assert [b.name for b in figures.outstanding_late] == ["Cheshire East Health and Wellbeing Board"]
    client.force_login(national)
    page = client.get(reverse("returns:national") + "?period=2015/16 Q3").content.decode()
    assert "Cheshire East Health and Wellbeing Board" in page and "Late" in page


def test_loading_twice_changes_nothing(demo_returns):
    before = QuarterlyReturn.objects.count()
    call_command("load_demo", "--returns", stdout=io.StringIO())
    assert QuarterlyReturn.objects.count() == before == 15


def test_a_demo_plan_someone_moved_on_is_left_alone(db):
    from plans.models import Plan

    call_command("load_demo", stdout=io.StringIO())
    # Someone sent the Rutland draft for sign-off before `make run` loaded the returns.
    Plan.objects.filter(hwb__name__startswith="Rutland").update(status=PlanStatus.AWAITING_SIGN_OFF)
    out = io.StringIO()
    call_command("load_demo", "--returns", stdout=out)
    assert "Rutland Health and Wellbeing Board: no demo returns, its plan has moved on (Awaiting sign-off)" in (
        out.getvalue()
    )
    assert not QuarterlyReturn.objects.filter(hwb__name__startswith="Rutland").exists()
    assert QuarterlyReturn.objects.filter(hwb__name__startswith="Nottinghamshire").count() == 6
