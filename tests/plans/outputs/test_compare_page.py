"""The version comparison page: only what changed, each section folded to a one-line summary, Part 2
as tables of changed rows with money formatted, a line when the template edition changed."""

import copy
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from plans.outputs.compare import compare_documents
from plans.workflow import services as workflow
from tests.conftest import demo_document
from tests.metrics.factories import ExpenditureRowFactory
from tests.plans.workflow import test_versions
from tests.plans.workflow.test_workflow import NOTTS_EDITOR, _fast_passwords, person, text_of  # noqa: F401

# The version fixtures of test_versions: two versions of Nottinghamshire's plan.
_uploads, returned = test_versions._uploads, test_versions.returned
submitted, two_versions = test_versions.submitted, test_versions.two_versions

pytestmark = pytest.mark.django_db


def compare(client, old, new):
    client.force_login(person(NOTTS_EDITOR))
    return client.get(reverse("workflow:compare", args=[new.pk]), {"old": old.pk, "new": new.pk})


def test_part2_changes_are_a_table_of_the_changed_rows_with_money_formatted(client, two_versions):
    old, new, _ = two_versions
    ExpenditureRowFactory(
        plan=new, scheme=new.schemes.get(ref="T1"), amount_2014_15=Decimal("1234567.8"), amount_2015_16=Decimal(0)
    )
    text = text_of(compare(client, old, new))
    part2 = text[text.index("Part 2: finance and metrics") :]
    # The new line, and scheme T6's line (its scheme removed in version 2) now naming no scheme.
    assert part2.startswith("Part 2: finance and metrics 2 rows added, 1 row removed Show the changes")
    assert "Expenditure plan: 3 rows changed" in part2
    assert "Removed Scheme T6, Community health" in part2 and "Added No scheme, Community health" in part2
    assert "Added Scheme T1, Social care, commissioner Local authority" in part2
    assert "2014/15 £1,234,567.80" in part2
    assert "›" not in text  # no raw JSON paths


def test_a_changed_part2_row_shows_only_its_changed_cells_old_and_new():
    old = demo_document("rutland")
    new = copy.deepcopy(old)
    new["part2"]["expenditure"][0]["2015/16"] = "105500.00"
    sections = compare_documents(old, new)
    part2 = sections[-1]
    assert part2.heading == "Part 2: finance and metrics"
    assert part2.summary == "1 row changed"
    (table,) = part2.tables
    assert table.title == "Expenditure plan"
    (row,) = table.rows
    assert row.status == "changed"
    assert row.cells == [("2015/16", "£104,000.00", "£105,500.00")]


def test_the_compare_forms_never_put_a_csrf_token_in_the_address(client, two_versions):
    old, new, _ = two_versions
    client.force_login(person(NOTTS_EDITOR))
    for url in (reverse("workflow:versions", args=[new.pk]), reverse("workflow:compare", args=[new.pk])):
        body = client.get(url, {"old": old.pk, "new": new.pk}).content.decode()
        for form in re.findall(r'<form method="get".*?</form>', body, re.S):
            assert "csrfmiddlewaretoken" not in form


def test_a_change_of_template_edition_is_said_in_one_clear_line(client, submitted):
    new = workflow.resubmission_start(plan=submitted, user=person(NOTTS_EDITOR), edition="2014-09", round="revised")
    text = text_of(compare(client, submitted, new))
    assert (
        "The template edition changed from April 2014 (original template) to September 2014 (revised template)."
    ) in text
    assert "Questions only in the April 2014 (original template)" in text


def test_the_same_edition_says_nothing_about_the_template(client, two_versions):
    old, new, _ = two_versions
    assert "template edition changed" not in text_of(compare(client, old, new))
