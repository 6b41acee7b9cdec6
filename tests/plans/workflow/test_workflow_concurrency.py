"""The concurrency rule across processes (DOMAIN.md §7): two application processes acting on the same
plan at the same moment never lose an update and never double-sign.

Each test starts two real OS processes (`manage.py shell -c`) against the test database. Both wait for
the same instant, then call the real service. Inside each process the service is slowed down just
after its checks (while it holds the plan's row lock), so the two calls really overlap: without the
row lock both would pass their checks and both would write.

PostgreSQL only: SQLite has no row locks (it locks the whole database for a write), and CI runs these
on PostgreSQL.
"""

import json
import os
import subprocess
import sys
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from plans.editing import section_revision
from plans.models import Answer, ChangeRecord, PlanStatus, Role, RoleAssignment, Signature
from plans.workflow import services as workflow
from tests.conftest import ROOT

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: row locks across processes (SQLite locks the whole database; CI runs PostgreSQL)",
    ),
]

NOTTS_EDITOR = "editor@nottinghamshire.example.org"
NOTTS_COUNCIL = "david.pearson@nottinghamshire.example.org"
BASSETLAW = "phil.mettam@bassetlaw.example.org"

WORKER = r"""
import json, os, time
from django.contrib.auth import get_user_model
from plans.content import services
from plans.workflow import services as workflow
from plans.models import Plan

args = json.loads(os.environ["RACE_ARGS"])
pause = args["pause"]

# Slow each service down right after its checks, while it holds the plan's row lock.
real_plan_view, real_record_diff = workflow.plan_view, services.record_diff
def slow_plan_view(*a, **k):
    time.sleep(pause)
    return real_plan_view(*a, **k)
def slow_record_diff(*a, **k):
    time.sleep(pause)
    return real_record_diff(*a, **k)
workflow.plan_view, services.record_diff = slow_plan_view, slow_record_diff

user = get_user_model().objects.get(email=args["user"])
plan = Plan.objects.get(pk=args["plan"])
while time.time() < args["start_at"]:
    time.sleep(0.005)
started = time.time()
try:
    action = args["action"]
    if action == "sign":
        workflow.plan_sign(plan=plan, user=user, organisations=args["organisations"])
    elif action == "decline":
        workflow.plan_decline(plan=plan, user=user, reason=args["reason"])
    elif action == "mark_ready":
        workflow.plan_mark_ready(plan=plan, user=user)
    elif action == "save":
        services.answers_save(
            plan=plan, user=user, section=args["section"], revision=args["revision"], values=args["values"]
        )
    outcome = {"ok": True, "error": ""}
except Exception as exc:
    outcome = {"ok": False, "error": type(exc).__name__, "message": str(exc)}
outcome.update(started=started, finished=time.time())
print("RESULT " + json.dumps(outcome), flush=True)
"""


def database_url():
    s = connection.settings_dict
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def race(*calls, pause=0.6):
    """Run each call in its own process, all starting at the same instant; return their outcomes."""
    start_at = time.time() + 4  # time for both processes to start Django
    processes = []
    for call in calls:
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "DB_CONN_MAX_AGE": "0",
            "RACE_ARGS": json.dumps({"pause": pause, **call, "start_at": start_at}),
        }
        processes.append(
            subprocess.Popen(
                [sys.executable, "manage.py", "shell", "-c", WORKER],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    outcomes = []
    for process in processes:
        out, err = process.communicate(timeout=60)
        lines = [line for line in out.splitlines() if line.startswith("RESULT ")]
        assert process.returncode == 0 and lines, err
        outcomes.append(json.loads(lines[-1].removeprefix("RESULT ")))
    # The calls did overlap in time: the test means something only if they ran at the same moment.
    assert max(o["started"] for o in outcomes) < min(o["finished"] for o in outcomes)
    return outcomes


def person(email):
    return get_user_model().objects.get(email=email)


@pytest.fixture
def ready(demo):
    return workflow.plan_mark_ready(plan=demo["nottinghamshire"], user=person(NOTTS_EDITOR))


def test_two_people_signing_for_the_same_ccg_at_once_give_one_signature(ready):
    bassetlaw = next(c for c in ready.ordered_ccgs() if "Bassetlaw" in c.name)
    deputy = get_user_model().objects.create_user(
        username="deputy@bassetlaw.example.org", email="deputy@bassetlaw.example.org", first_name="Deputy"
    )
    RoleAssignment.objects.create(user=deputy, role=Role.SIGNATORY, hwb=ready.hwb, ccg=bassetlaw, position="Deputy")
    key = f"ccg:{bassetlaw.pk}"
    outcomes = race(
        {"action": "sign", "user": BASSETLAW, "plan": ready.pk, "organisations": [key]},
        {"action": "sign", "user": deputy.email, "plan": ready.pk, "organisations": [key]},
    )
    assert sorted(o["ok"] for o in outcomes) == [False, True]
    assert next(o for o in outcomes if not o["ok"])["error"] == "AlreadySigned"
    signatures = Signature.objects.filter(plan=ready, ccg=bassetlaw, voided_at__isnull=True)
    assert signatures.count() == 1
    assert ChangeRecord.objects.filter(plan=ready, field=f"Signed on behalf of {bassetlaw.name}").count() == 1


def test_a_decline_and_a_signature_at_once_never_leave_a_signed_draft(ready):
    bassetlaw = next(c for c in ready.ordered_ccgs() if "Bassetlaw" in c.name)
    declined, signed = race(
        {"action": "decline", "user": NOTTS_COUNCIL, "plan": ready.pk, "reason": "Not agreed by cabinet"},
        {"action": "sign", "user": BASSETLAW, "plan": ready.pk, "organisations": [f"ccg:{bassetlaw.pk}"]},
    )
    ready.refresh_from_db()
    assert declined["ok"] and ready.status == PlanStatus.DRAFT
    # Whichever went first, no signature survives on the draft: either it was given and then voided
    # by the decline, or it was refused because the plan was no longer awaiting sign-off.
    assert not Signature.objects.filter(plan=ready, voided_at__isnull=True).exists()
    if signed["ok"]:
        assert Signature.objects.get(plan=ready, ccg=bassetlaw).voided_at is not None
    else:
        assert signed["error"] == "WrongState"


def save_call(email, plan, revision, text, **extra):
    return {
        "action": "save",
        "user": email,
        "plan": plan.pk,
        "section": "vision",
        "revision": revision,
        "values": {"vision.vision": {"text": text}},
        **extra,
    }


def test_two_editors_saving_the_same_section_at_once_lose_nothing(demo):
    plan = demo["nottinghamshire"]
    editor = person(NOTTS_EDITOR)
    second = get_user_model().objects.create_user(username="e2@notts.example.org", email="e2@notts.example.org")
    RoleAssignment.objects.create(user=second, role=Role.EDITOR, hwb=plan.hwb)
    # Both open the section page after an earlier save, so both hold revision 1.
    from plans.content.services import answers_save

    answers_save(plan=plan, user=editor, section="vision", revision=0, values={"vision.vision": {"text": "Earlier."}})
    revision = section_revision(plan, "vision")
    texts = {NOTTS_EDITOR: "The first editor's vision.", second.email: "The second editor's vision."}
    outcomes = race(*[save_call(email, plan, revision, text) for email, text in texts.items()])
    assert sorted(o["ok"] for o in outcomes) == [False, True]
    assert next(o for o in outcomes if not o["ok"])["error"] == "StaleSection"
    winner = list(texts.values())[[o["ok"] for o in outcomes].index(True)]
    assert Answer.objects.get(plan=plan, key="vision.vision").text == winner
    changes = ChangeRecord.objects.filter(plan=plan, field="vision.vision.text").order_by("at", "pk")
    assert [c.new for c in changes] == ["Earlier.", winner]
    assert section_revision(plan, "vision") == revision + 1


def test_a_save_racing_the_mark_ready_never_slips_an_error_into_a_plan_awaiting_sign_off(demo):
    """The save adds a placeholder ("tbc", an error). Whoever takes the plan's row first wins: either
    the save lands and the mark-ready check sees the error and refuses, or the plan is marked ready
    and the save is refused. Never a plan awaiting sign-off with an error the check did not see."""
    plan = demo["nottinghamshire"]
    revision = section_revision(plan, "vision")
    text = "Our vision: the date is tbc."
    marked, saved = race(
        {"action": "mark_ready", "user": NOTTS_EDITOR, "plan": plan.pk, "pause": 0.2},
        save_call(NOTTS_EDITOR, plan, revision, text, pause=1.0),  # slower than the check
    )
    plan.refresh_from_db()
    stored = Answer.objects.get(plan=plan, key="vision.vision").text
    assert marked["ok"] != saved["ok"]
    if marked["ok"]:
        assert plan.status == PlanStatus.AWAITING_SIGN_OFF
        assert saved["error"] == "PlanNotEditable" and stored != text
    else:
        assert marked["error"] == "PlanHasErrors" and plan.status == PlanStatus.DRAFT
        assert stored == text
