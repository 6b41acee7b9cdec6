"""What the area team asked for follows the plan to every later version until an editor marks it
answered (issue 12, item 3)."""

import pytest

from plans.access import NotAllowed
from plans.models import ChangeRecord, Verb
from plans.review import services as review
from plans.review.selectors import asked_for, section_comments
from plans.workflow import services as workflow
from tests.plans.review.test_review import NOTTS_EDITOR, NOTTS_REVIEWER, person, submit_notts

COMMENT = "Say how the falls service is staffed at weekends."


@pytest.mark.django_db
def test_an_open_comment_on_v1_is_shown_on_v3_until_marked_answered(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    v1 = submit_notts(demo["nottinghamshire"])
    thread = review.comment_add(plan=v1, user=person(NOTTS_REVIEWER), section="vision", text=COMMENT)
    workflow.plan_return(plan=v1, user=person(NOTTS_REVIEWER), reasons="First return")
    v1.refresh_from_db()
    v2 = submit_notts(workflow.resubmission_start(plan=v1, user=person(NOTTS_EDITOR)))
    workflow.plan_return(plan=v2, user=person(NOTTS_REVIEWER), reasons="Second return")
    v2.refresh_from_db()
    v3 = workflow.resubmission_start(plan=v2, user=person(NOTTS_EDITOR))

    shown = [t for t, _replies in section_comments(v3).get("vision", [])]
    assert thread in shown
    asked = asked_for(v3)
    assert [r.new for r in asked.returns] == ["Second return", "First return"] or {r.new for r in asked.returns} == {
        "First return",
        "Second return",
    }
    assert thread in asked.open_threads

    with pytest.raises(NotAllowed):
        review.comment_mark_answered(plan=v3, user=person(NOTTS_REVIEWER), thread=thread)
    review.comment_mark_answered(plan=v3, user=person(NOTTS_EDITOR), thread=thread)
    thread.refresh_from_db()
    assert thread.answered_by == person(NOTTS_EDITOR)
    assert thread not in asked_for(v3).open_threads
    assert thread not in [t for t, _r in section_comments(v3).get("vision", [])]
    assert ChangeRecord.objects.filter(plan=v3, verb=Verb.COMMENT_ANSWERED).count() == 1
