"""Reference data per HWB and edition: loaded from fixtures/reference, idempotent, editable in the admin."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from metrics.models import ReferenceData
from metrics.reference import reference_for
from plans.models import HealthAndWellbeingBoard
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


def load(*args):
    out = StringIO()
    call_command("load_reference", *args, stdout=out)
    return out.getvalue()


def test_load_reference_is_idempotent_and_keeps_corrections():
    assert "5 created" in load()
    rutland = HealthAndWellbeingBoard.objects.get(name="Rutland Health and Wellbeing Board")
    row = ReferenceData.objects.get(hwb=rutland, edition="2014-09")
    assert (row.minimum_2014_15, row.minimum_2015_16, row.performance_element, row.unit_saving) == (
        None,
        Decimal("2226000.00"),
        Decimal("591000.00"),
        Decimal("1490.00"),
    )
    row.performance_element = Decimal("600000")
    row.save()
    assert "0 created, 0 updated, 5 kept" in load()
    assert ReferenceData.objects.count() == 5
    assert ReferenceData.objects.get(pk=row.pk).performance_element == Decimal("600000.00")
    assert "5 updated" in load("--overwrite")
    assert ReferenceData.objects.get(pk=row.pk).performance_element == Decimal("591000.00")


def test_the_hwbs_own_figures_fall_back_on_the_editions_defaults():
    plan = PlanFactory()
    ReferenceData.objects.create(edition="2014-09", unit_saving=Decimal("1490"), baseline_quarters=["a", "b", "c", "d"])
    ReferenceData.objects.create(hwb=plan.hwb, edition="2014-09", performance_element=Decimal("591000"))
    reference = reference_for(plan.hwb_id, "2014-09")
    assert reference.performance_element == Decimal("591000")
    assert reference.unit_saving == Decimal("1490")
    assert reference.baseline_quarters[0] == "Q4 2013/14"  # the HWB row has its own labels
    other = reference_for(PlanFactory().hwb_id, "2014-09")
    assert other.performance_element is None and other.baseline_quarters == ("a", "b", "c", "d")


def test_reference_data_is_editable_in_the_admin(admin_client):
    load()
    row = ReferenceData.objects.get(hwb__name="Rutland Health and Wellbeing Board")
    assert admin_client.get("/admin/metrics/referencedata/").status_code == 200
    page = admin_client.get(f"/admin/metrics/referencedata/{row.pk}/change/")
    assert page.status_code == 200 and "591000.00" in page.content.decode()
