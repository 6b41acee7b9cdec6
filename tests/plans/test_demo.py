"""The demo plans are faithful transcriptions of the seed plans and load once."""

import re

import pytest
from django.core.management import call_command

from bcf.core.markup import plain_text
from plans.models import Plan, Role, RoleAssignment
from tests.conftest import SEEDS, demo_document

SOURCES = {
    "cheshire-east": "cheshire-east-2014-04.txt",
    "nottinghamshire": "nottinghamshire-2014-04.txt",
    "rutland": "rutland-2014-09.txt",
}


needs_seeds = pytest.mark.skipif(not SEEDS.exists(), reason=f"the seed plans {SEEDS} are not beside the checkout")


def words(text):
    text = re.sub(r"<[^>]+>|\\|\*|#", " ", text)
    return re.findall(r"[a-z0-9]+", text.lower())


@needs_seeds
@pytest.mark.parametrize("name", SOURCES)
def test_every_answer_is_taken_from_the_seed_plan(name):
    """Each answer's words appear in the seed, in runs: nothing invented, nothing summarised away."""
    seed = " ".join(words((SEEDS / SOURCES[name]).read_text()))
    doc = demo_document(name)
    total = found = 0
    for answer in doc["answers"].values():
        text = plain_text(answer.get("text", ""))
        tokens = words(text)
        for start in range(0, max(len(tokens) - 6, 0), 6):
            total += 1
            found += " ".join(tokens[start : start + 6]) in seed
    assert total > 500
    assert found / total > 0.9, f"{name}: only {found}/{total} six-word runs of the answers are in the seed"


@needs_seeds
@pytest.mark.parametrize("name", SOURCES)
def test_answers_hold_the_bulk_of_the_seed(name):
    seed_words = len(words((SEEDS / SOURCES[name]).read_text()))
    doc = demo_document(name)
    answer_words = sum(len(words(plain_text(a.get("text", "")))) for a in doc["answers"].values())
    assert answer_words > 0.65 * seed_words


def test_rutland_keeps_the_real_drafts_placeholders():
    text = " ".join(a.get("text", "") for a in demo_document("rutland")["answers"].values())
    for placeholder in ("£1xxk", "tbc", "To be completed", "Error! Reference source not found."):
        assert placeholder in text


def test_no_conversion_debris_is_left():
    for name in SOURCES:
        doc = demo_document(name)
        blob = " ".join(a.get("text", "") for a in doc["answers"].values())
        for debris in ("<sup", "<a href", "\\_", "\ufffd"):
            assert debris not in blob, (name, debris)


@pytest.mark.django_db
def test_load_demo_twice_loads_once_with_every_role(demo):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Plan.objects.count() == 3
    roles = set(RoleAssignment.objects.values_list("role", flat=True))
    assert roles == {Role.EDITOR, Role.SIGNATORY, Role.CHAIR, Role.REVIEWER, Role.NATIONAL}
    sullivan = RoleAssignment.objects.filter(user__last_name="Sullivan", role=Role.SIGNATORY)
    assert sullivan.count() == 2 and len({r.user_id for r in sullivan}) == 1
    assert {p.hwb.area_team is not None for p in demo.values()} == {True}
