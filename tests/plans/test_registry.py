"""The question registry quotes the templates word for word, as DOMAIN.md §3 lists them."""

import re

import pytest

from plans.content.document import HEADING_ONLY_KEYS
from plans.editions import get_edition
from tests.conftest import ROOT

DOMAIN_PATH = ROOT.parent / "shared" / "DOMAIN.md"
if not DOMAIN_PATH.exists():
    pytest.skip(f"the specification {DOMAIN_PATH} is not beside the checkout", allow_module_level=True)
DOMAIN = DOMAIN_PATH.read_text()


def domain_rows(heading):
    """(key, prompt) of every keyed row of the table under `heading`."""
    start = DOMAIN.index(heading)
    end = DOMAIN.index("\n### ", start + 1)
    rows = []
    for line in DOMAIN[start:end].splitlines():
        match = re.match(r"^\| `([a-z_.]+)` \| [^|]* \| (.*) \| [^|]* \|$", line)
        if match:
            rows.append((match.group(1), match.group(2)))
    return rows


def normalise(text):
    return " ".join(text.split()).rstrip(" .:")


def expected_parts(prompt):
    """The prompt's own words and its quoted or sub-prompt points."""
    points = re.findall(r'"([^"]*)"', prompt)
    body = re.sub(r'"[^"]*"', "", prompt)
    if "Sub-prompt:" in body:
        body, sub = body.split("Sub-prompt:")
        points.append(sub.strip())
    body = body.replace("Bullets:", "")
    return normalise(body), [normalise(p) for p in points]


@pytest.mark.parametrize(("code", "heading"), [("2014-04", "### 3.1"), ("2014-09", "### 3.2")])
def test_every_domain_question_is_in_the_registry_with_its_exact_prompt(code, heading):
    edition = get_edition(code)
    rows = domain_rows(heading)
    assert len(rows) >= 15
    for key, prompt in rows:
        if prompt.startswith("("):  # "(same prompt)": shares the previous row's prompt
            assert key in edition.question_keys
            continue
        body, points = expected_parts(prompt)
        if key in HEADING_ONLY_KEYS:
            section = next(s for s in edition.sections if normalise(s.prompt) == body)
            assert section is not None
            continue
        question = edition.question(key)
        section = edition.section_for_question(key)
        assert body in (normalise(question.prompt), normalise(section.prompt)), key
        assert [normalise(p) for p in question.points] == points, key


@pytest.mark.parametrize("code", ["2014-04", "2014-09"])
def test_registry_has_no_questions_the_domain_does_not_list(code):
    heading = "### 3.1" if code == "2014-04" else "### 3.2"
    listed = {key for key, _ in domain_rows(heading)}
    assert set(get_edition(code).question_keys) <= listed


def test_answers_carry_over_by_key_between_editions():
    shared = set(get_edition("2014-04").question_keys) & set(get_edition("2014-09").question_keys)
    assert {"vision.vision", "conditions.seven_day", "conditions.nhs_number", "engagement.public"} <= shared


def test_structured_sections_are_in_template_order():
    slugs = [s.slug for s in get_edition("2014-09").sections]
    assert slugs[:3] == ["summary", "signoff", "documents"]
    assert slugs.index("milestones") < slugs.index("schemes") < slugs.index("risks")
    assert slugs[-1] == "providers"
