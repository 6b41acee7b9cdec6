"""The demo's year of quarterly returns (fixtures/demo/returns.json, figures illustrative and labelled
so): each demo plan stored as the submitted version it was and approved, then a return per period
started, completed, signed by the Board's return signatory, submitted and decided by the area team,
each step through the same services as the pages and stamped with the date it would have had.

Three stories: Rutland earned its payment; Nottinghamshire caught up after a short quarter (and had
a return sent back once); Cheshire East has an outstanding, late return.
"""

import datetime
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from metrics import services as metric_services
from metrics.models import P4PMetric
from plans import deadlines
from plans.editing import SKIP_STALE_CHECK
from plans.models import (
    SUBMITTED_STATES,
    AssuranceOutcomeChoice,
    ConditionStatus,
    HealthAndWellbeingBoard,
    Plan,
    PlanStatus,
    QuarterlyReturn,
    ReturnPeriod,
    Role,
    RoleAssignment,
)
from plans.returns import services
from plans.workflow.services import (
    plan_assure,
    plan_store_submitted,
    resubmission_start,
    submitted_at_from,
)

DEMO_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo"
PENNY = Decimal("0.01")


def _at(day, hour=10):
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour), tzinfo=deadlines.LONDON)


def _person(hwb, role):
    assignment = RoleAssignment.objects.filter(hwb=hwb, role=role).select_related("user").first()
    return assignment.user if assignment else None


def _reviewer(hwb):
    assignment = RoleAssignment.objects.filter(role=Role.REVIEWER, area_team_id=hwb.area_team_id).first()
    return assignment.user if assignment else None


def _signatory(hwb, config, password):
    """The Board's return signatory (the chair's delegate), one demo account per Board."""
    existing = _person(hwb, Role.RETURN_SIGNATORY)
    if existing is not None:
        return existing
    slug = hwb.local_authority.name.lower().split()[0]
    email = f"returns@{slug}.example.org"
    User = get_user_model()
    user = User.objects.filter(email=email).first() or User.objects.create_user(
        username=email,
        email=email,
        password=password,
        first_name=config["name"].split()[0],
        last_name=" ".join(config["name"].split()[1:]),
    )
    RoleAssignment.objects.create(user=user, role=Role.RETURN_SIGNATORY, hwb=hwb, position=config["position"])
    return user


def _submit_plan(plan, doc, reviewer, at=None):
    """Store the demo plan as the submitted version it was, then approve it (illustrative outcome)."""
    submitted = at or submitted_at_from(doc, plan)
    plan_store_submitted(plan=plan, submitted_at=submitted)
    with deadlines.as_of(submitted + datetime.timedelta(days=21)):
        plan_assure(
            plan=Plan.objects.get(pk=plan.pk),
            user=reviewer,
            outcome=AssuranceOutcomeChoice.APPROVED,
            comment="Illustrative outcome recorded for the demonstration.",
        )
    return Plan.objects.get(pk=plan.pk)


def _revised_with_p4p(plan, p4p, editor, reviewer):
    """A 2014-04 plan moved to the revised template with illustrative P4P figures, submitted and approved."""
    with deadlines.as_of(_at("2014-09-01")):
        revised = resubmission_start(plan=plan, user=editor, edition="2014-09", round="revised")
    values = {
        "population": p4p["population"],
        **{f"baseline_q{i + 1}": v for i, v in enumerate(p4p["baseline"])},
        **{f"plan_q{i + 1}": v for i, v in enumerate(p4p["plan"])},
        "performance_element": Decimal(p4p["performance_element"]),
        "unit_saving": Decimal(p4p["unit_saving"]),
        "justification": p4p.get("justification", ""),
    }
    metric_services.row_save(
        plan=revised,
        user=editor,
        section=metric_services.P4P,
        revision=SKIP_STALE_CHECK,
        instance=P4PMetric.objects.filter(plan=revised).first() or P4PMetric(plan=revised),
        values=values,
        label=metric_services.p4p_label,
    )
    return _submit_plan(revised, {}, reviewer, at=_at("2014-09-18", 16))


def _fill(ret, spec, editor):
    """Complete every section of the return from the story's figures."""
    spent = Decimal(str(spec.get("spent", 1)))
    share = min(spent, Decimal(1))
    ret = services.return_update(
        ret=ret,
        user=editor,
        values={
            "cover_name": ret.cover_name or "Demo Officer",
            "cover_role": ret.cover_role or "BCF Programme Manager",
            "cover_email": ret.cover_email or "officer@example.org",
            "cover_telephone": "01234 567890",
            "cover_date": datetime.date.fromisoformat(spec.get("submitted", spec["started"])),
            "pooled": True,
            "narrative": spec["narrative"],
        },
    )
    in_progress = set(spec.get("in_progress", []))
    services.return_rows_update(
        ret=ret,
        user=editor,
        model=ret.conditions.model,
        rows={
            c.pk: (
                {
                    "status": ConditionStatus.IN_PROGRESS,
                    "date": datetime.date(2016, 3, 31),
                    "commentary": "Illustrative: the shared care record goes live across both CCGs by March 2016.",
                }
                if c.key in in_progress
                else {"status": ConditionStatus.MET}
            )
            for c in ret.conditions.all()
        },
    )
    money = {
        r.pk: {"forecast": r.planned, "actual_to_date": (r.planned * share).quantize(PENNY, ROUND_HALF_UP)}
        for r in ret.income.all()
    }
    services.return_rows_update(ret=ret, user=editor, model=ret.income.model, rows=money)
    spend = {
        r.pk: {"forecast": r.planned, "actual_to_date": (r.planned * spent).quantize(PENNY, ROUND_HALF_UP)}
        for r in ret.expenditure.all()
    }
    services.return_rows_update(ret=ret, user=editor, model=ret.expenditure.model, rows=spend)
    services.return_rows_update(
        ret=ret,
        user=editor,
        model=ret.metrics.model,
        rows={
            m.pk: {"actual": _metric_actual(m, share), "period": ret.period.covers.split(" (")[0]}
            for m in ret.metrics.all()
        },
    )
    quarter = ret.period.p4p_quarter
    if quarter and spec.get("admissions") is not None:
        services.return_save_admissions(ret=ret, user=editor, actuals={quarter: spec["admissions"]})
    return QuarterlyReturn.objects.get(pk=ret.pk)


def _metric_actual(metric, share):
    """Illustrative: the way from the baseline to the target, `share` of it travelled."""
    if metric.baseline is None:
        return metric.target if metric.target is not None else Decimal(0)
    if metric.target is None:
        return metric.baseline
    return (metric.baseline + (metric.target - metric.baseline) * share).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _return(hwb, spec, editor, signatory, reviewer):
    period = ReturnPeriod.objects.get(code=spec["period"])
    with deadlines.as_of(_at(spec["started"])):
        ret = services.return_start(hwb=hwb, period=period, user=editor)
    if spec.get("outstanding"):
        return ret  # started, never finished: outstanding, and late once its due date has passed
    with deadlines.as_of(_at(spec["submitted"], 9)):
        ret = _fill(ret, spec, editor)
        services.return_sign(ret=ret, user=signatory)
        services.return_submit(ret=ret, user=signatory)
    decided = _at(spec["decided"], 15)
    if spec.get("returned_with"):
        with deadlines.as_of(_at(spec["submitted"], 16)):
            services.return_send_back(ret=ret, user=reviewer, comment=spec["returned_with"])
        resubmitted = _at(spec["resubmitted"], 11)
        with deadlines.as_of(resubmitted):
            ret = services.return_resubmit(ret=ret, user=editor)
            ret = services.return_update(ret=ret, user=editor, values={"narrative": spec["narrative_after_return"]})
            services.return_sign(ret=ret, user=signatory)
            services.return_submit(ret=ret, user=signatory)
    with deadlines.as_of(decided):
        services.return_accept(ret=ret, user=reviewer, comment="Illustrative: accepted for the demonstration.")
    return ret


@transaction.atomic
def load_demo_returns(password, log=print):
    """Submit and approve the demo plans and load their year of returns (idempotent: a Board that
    already has returns is left alone)."""
    config = json.loads((DEMO_DIR / "returns.json").read_text())
    for board in config["boards"]:
        doc = json.loads((DEMO_DIR / board["file"]).read_text())
        hwb = HealthAndWellbeingBoard.objects.get(name=doc["hwb"]["name"])
        if QuarterlyReturn.objects.filter(hwb=hwb).exists():
            log(f"{hwb.name} already has its demo returns")
            continue
        editor, reviewer = _person(hwb, Role.EDITOR), _reviewer(hwb)
        signatory = _signatory(hwb, config["return_signatory"], password)
        plan = Plan.objects.filter(hwb=hwb, round=doc["round"], is_current=True).first()
        if plan is not None and plan.status == PlanStatus.DRAFT:
            plan = _submit_plan(plan, doc, reviewer)
        if plan is None or plan.status not in SUBMITTED_STATES or plan.next_versions.exists():
            # Someone has taken this demo plan elsewhere (sent it for sign-off, started a new version):
            # leave their work alone rather than give it a history it did not have.
            log(f"{hwb.name}: no demo returns, its plan has moved on ({plan.status_label if plan else 'none'})")
            continue
        if board.get("p4p"):
            plan = _revised_with_p4p(plan, board["p4p"], editor, reviewer)
        for spec in board["returns"]:
            _return(hwb, spec, editor, signatory, reviewer)
        log(f"{hwb.name}: plan version {plan.version} submitted and approved; {len(board['returns'])} returns")
        log(f"  ({board['story']} Figures illustrative.)")
