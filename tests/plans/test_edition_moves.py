"""Where each April 2014 answer goes in the September 2014 template is written down as data, and a
move loses nothing (issue 12, item 4)."""

import pytest

from plans import editions as ed
from plans.content.document import plan_document
from plans.content.selectors import plan_view
from plans.editions.moves import MOVES, move_answers, proposed_score
from plans.models import UnplacedAnswer
from plans.workflow import services as workflow
from tests.plans.review.test_review import NOTTS_EDITOR, NOTTS_REVIEWER, person, submit_notts

APRIL, SEPTEMBER = ed.get_edition("2014-04"), ed.get_edition("2014-09")


def test_every_april_answer_part_has_a_written_down_place_or_none():
    moves = MOVES[("2014-04", "2014-09")]
    for question in APRIL.questions:
        for part in question.parts:
            if (question.key, part) in moves:
                target = moves[(question.key, part)]
                if target is not None:
                    assert target[1] in SEPTEMBER.question(target[0]).parts, (question.key, part)
                continue
            same = next((q for q in SEPTEMBER.questions if q.key == question.key), None)
            assert same is not None and part in same.parts, f"{question.key}.{part} has no place written down"


@pytest.mark.django_db
def test_moving_the_nottinghamshire_plan_keeps_every_filled_answer(demo):
    answers = plan_document(plan_view(demo["nottinghamshire"]), include_volatile=False)["answers"]
    filled = sum(1 for parts in answers.values() for v in parts.values() if v not in (None, "", []))
    moved, placed, unplaced = move_answers(answers, APRIL, SEPTEMBER)
    landed = sum(1 for parts in moved.values() for v in parts.values() if v not in (None, "", []))
    merged = sum(1 for p in placed if p.part == ed.TEXT)  # text added below text already there
    assert landed + len(unplaced) + merged >= filled
    assert moved["action.governance"]["text"] == answers["schemes.governance"]["text"]
    assert {u.key for u in unplaced} >= {"conditions.open_apis"}


def test_ratings_become_proposed_scores():
    assert proposed_score({"rating": "High"}) == (4, 4)
    assert proposed_score({"likelihood_level": "LOW", "impact_level": "HIGH"}) == (2, 4)
    assert proposed_score({"rating": None}) is None


@pytest.mark.django_db
def test_the_move_keeps_unplaced_answers_and_proposes_risk_scores(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    plan = submit_notts(demo["nottinghamshire"])
    workflow.plan_assure(plan=plan, user=person(NOTTS_REVIEWER), outcome="Approved")
    plan.refresh_from_db()
    moved = workflow.resubmission_start(plan=plan, user=person(NOTTS_EDITOR), edition="2014-09", round="revised")
    kept = UnplacedAnswer.objects.filter(plan=moved)
    assert kept.filter(key="conditions.open_apis", value="Yes").exists()
    risks = list(moved.risks.all())
    assert risks and all(r.proposed_likelihood for r in risks if r.rating or r.likelihood_level)
