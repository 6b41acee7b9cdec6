"""The plan's content as a `bcf-plan/1` document, and the SHA-256 of that content (the version
reference that signatures bind). Export side only: plans.content.plan_json reads documents in."""

import hashlib
import json
from decimal import Decimal

from django.utils import timezone

from metrics.part2_json import export_part2
from plans import editions as ed

FORMAT = "bcf-plan/1"
HEADING_ONLY_KEYS = {"conditions.intro"}
ANSWER_PARTS = (
    ed.TEXT,
    ed.YES,
    ed.DATE,
    ed.PERCENT,
    ed.PERCENT_JOINT_CARE_PLAN,
    ed.COUNT,
    ed.TOOL,
    ed.AMOUNT,
    ed.BREAKDOWN,
    ed.CARE_ACT_AMOUNT,
)


def _money_out(value):
    return None if value is None else f"{Decimal(value):.2f}"


def _number_out(value):
    if value is None:
        return None
    value = Decimal(value).normalize()
    return int(value) if value == value.to_integral_value() else float(value)


def _date_out(value):
    return value.isoformat() if value else None


def _month_out(value):
    return value.strftime("%Y-%m") if value else None


def answer_document(question, answer):
    out = {}
    for part in question.parts:
        value = getattr(answer, part) if answer is not None else None
        if part in (ed.TEXT, ed.TOOL):
            out[part] = value or ""
        elif part in (ed.AMOUNT, ed.CARE_ACT_AMOUNT):
            out[part] = _money_out(value)
        elif part in (ed.PERCENT, ed.PERCENT_JOINT_CARE_PLAN):
            out[part] = _number_out(value)
        elif part == ed.DATE:
            out[part] = _date_out(value)
        elif part == ed.BREAKDOWN:
            out[part] = [{"label": line["label"], "amount": _money_out(line["amount"])} for line in (value or [])]
        else:
            out[part] = value
    return out


def plan_document(view, *, include_volatile=True):
    """The plan as a `bcf-plan/1` dict. Without the volatile parts it is the basis of the content hash."""
    plan, edition = view.plan, view.edition
    doc = {
        "format": FORMAT,
        "edition": plan.edition,
        "round": plan.round,
        "hwb": {
            "name": plan.hwb.name,
            "local_authority": plan.hwb.local_authority.name,
            "ccgs": [c.name for c in view.ccgs],
            "planning_units": [
                {"name": u.name, "ccgs": sorted(c.name for c in u.ccgs.all())} for u in view.planning_units
            ],
        },
        "summary": {
            "boundary_differences": plan.boundary_differences,
            "date_agreed_at_hwb": _date_out(plan.date_agreed_at_hwb),
            "date_agreed_note": plan.date_agreed_note,
            "minimum_pooled_budget": {
                "2014/15": _money_out(plan.minimum_2014_15),
                "2015/16": _money_out(plan.minimum_2015_16),
            },
            "total_agreed_pooled_budget": {
                "2014/15": _money_out(plan.total_agreed_2014_15),
                "2015/16": _money_out(plan.total_agreed_2015_16),
            },
            "total_agreed_note": plan.total_agreed_note,
        },
        "answers": {q.key: answer_document(q, view.answers.get(q.key)) for q in edition.questions},
        "related_documents": [{"ref": d.ref, "title": d.title, "synopsis": d.synopsis} for d in view.documents],
        "schemes": [
            {
                "ref": s.ref,
                "theme": s.theme,
                "name": s.name,
                "planning_unit": s.planning_unit.name if s.planning_unit else None,
                "annex1": s.annex1_values() if plan.edition == "2014-09" or s.annex1_started else None,
            }
            for s in view.schemes
        ],
        "milestones": [
            {
                "number": m.number,
                "theme": m.theme,
                "scheme_ref": m.scheme_ref or None,
                "task": m.task,
                "depends_on": list(m.depends_on),
                "start": _month_out(m.start),
                "end": _month_out(m.end),
                "period": m.period,
            }
            for m in view.milestones
        ],
        "risks": [
            {
                "group": r.group,
                "risk": r.risk,
                "rating": r.rating or None,
                "impact_level": r.impact_level or None,
                "likelihood_level": r.likelihood_level or None,
                "likelihood": r.likelihood,
                "impact": r.impact,
                "financial_impact_000s": _number_out(r.financial_impact_000s),
                "impact_falls_on": r.impact_falls_on,
                "leads": list(r.leads),
                "mitigation": r.mitigation,
                **({"risk_factor": r.risk_factor} if include_volatile else {}),
            }
            for r in view.risks
        ],
        "provider_commentaries": [
            {
                "provider": c.provider.name,
                "ceo": c.ceo,
                "signature": c.signature,
                "nel_ffces": {
                    "2013/14 outturn": c.nel_2013_14_outturn,
                    "2014/15 plan": c.nel_2014_15_plan,
                    "2015/16 plan": c.nel_2015_16_plan,
                },
                "prevented": {"2014/15": c.prevented_2014_15, "2015/16": c.prevented_2015_16},
                "agrees": c.agrees,
                "disagreement": c.disagreement,
            }
            for c in view.provider_commentaries
        ],
        "part2": export_part2(view),
    }
    for document_images in view.images.values():
        for image in document_images:
            doc.setdefault("question_images", []).append({"question": image.question_key, "title": image.title})
    if include_volatile:
        doc["signatures"] = [
            {
                "kind": block.kind,
                "on_behalf_of": block.on_behalf_of,
                "by": block.by,
                "position": block.position,
                "date": _date_out(timezone.localdate(block.signed_at)) if block.signed_at else None,
                "valid": block.valid,
            }
            for block in view.signatures
        ]
        doc["version"] = plan.version
        doc["status"] = plan.status
        doc["content_hash"] = content_hash(view)
    return doc


def content_hash(view):
    """SHA-256 of the plan's content: every answer and table and the SHA-256 of every uploaded file,
    nothing about state or signatures. This is the version reference that signatures bind."""
    doc = plan_document(view, include_volatile=False)
    uploaded = [*view.documents, *(image for images in view.images.values() for image in images)]
    doc["files"] = sorted(document.sha256 for document in uploaded if document.file)
    canonical = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
