"""The `bcf-return/1` document of a return (DOMAIN.md §10): what `export_return --format json`
writes, what the stored JSON file holds, and what a signature binds (its SHA-256, without the
computed values). Computed values are written on export and ignored on import."""

import hashlib
import json
from decimal import Decimal

from plans.models import P4P_QUARTERS

FORMAT = "bcf-return/1"


def _money(value):
    return None if value is None else f"{Decimal(value):.2f}"


def _number(value):
    if value is None:
        return None
    value = Decimal(value).normalize()
    return int(value) if value == value.to_integral_value() else float(value)


def _date(value):
    return value.isoformat() if value else None


def return_document(view, *, computed=True):
    """The return as a bcf-return/1 dict; `computed` adds the figures worked out from the inputs."""
    ret = view.ret
    doc = {
        "format": FORMAT,
        "hwb": ret.hwb.name,
        "period": ret.period_id,
        "cover": {
            "name": ret.cover_name,
            "role": ret.cover_role,
            "email": ret.cover_email,
            "telephone": ret.cover_telephone,
            "date": _date(ret.cover_date),
        },
        "budget_arrangements": {
            "pooled": ret.pooled,
            "expected_date": _date(ret.pooled_expected_date),
            "commentary": ret.pooled_commentary,
        },
        "conditions": {
            c.key: {"status": c.status or None, "date": _date(c.date), "commentary": c.commentary}
            for c in view.conditions
        },
        "income": [
            {
                "organisation": line.row.organisation,
                "kind": line.row.kind,
                "forecast": _money(line.row.forecast),
                "actual_to_date": _money(line.row.actual_to_date),
            }
            for line in view.income
        ],
        "expenditure": [
            {
                "scheme_ref": line.row.scheme_ref,
                "forecast": _money(line.row.forecast),
                "actual_to_date": _money(line.row.actual_to_date),
            }
            for line in view.expenditure
        ],
        "admissions": dict(zip(P4P_QUARTERS, ret.actuals, strict=True)),
        "metrics": [
            {"code": line.row.code, "period": line.row.period, "actual": _number(line.row.actual)}
            for line in view.metrics
        ],
        "narrative": ret.narrative,
    }
    if computed:
        doc["computed"] = computed_values(view)
    return doc


def computed_values(view):
    """Variances, totals and the P4P schedule, as exported (ignored on import)."""
    for_lines = [
        {
            "planned_2015_16": _money(line.row.planned),
            "variance": _money(line.variance),
            "variance_percent": _number(line.variance_percent),
        }
        for line in view.income
    ]
    out = {
        "income": for_lines,
        "income_totals": {
            k: _money(v) if k != "variance_percent" else _number(v) for k, v in view.income_totals.items()
        },
        "expenditure": [
            {
                "planned_2015_16": _money(line.row.planned),
                "variance": _money(line.variance),
                "variance_percent": _number(line.variance_percent),
            }
            for line in view.expenditure
        ],
        "expenditure_totals": {
            k: _money(v) if k != "variance_percent" else _number(v) for k, v in view.expenditure_totals.items()
        },
        "metrics": [
            {"code": m.row.code, "target": _number(m.row.target), "on_track": m.on_track} for m in view.metrics
        ],
        "p4p": None,
    }
    if view.schedule is not None:
        out["p4p"] = {
            "unit_saving": _money(view.p4p_row.unit_saving),
            "quarters": [
                {
                    "quarter": q.label,
                    "baseline": q.baseline,
                    "planned": q.planned,
                    "actual": q.actual,
                    "planned_reduction": q.planned_reduction,
                    "achieved_reduction": q.achieved_reduction,
                    "payment": _money(q.payment),
                    "paid_to_date": _money(q.paid_to_date),
                    "not_released": _money(q.not_released),
                }
                for q in view.schedule
            ],
        }
    return out


def content_hash(view):
    """SHA-256 of the return's inputs (no state, no signatures, no computed values): what signing binds."""
    doc = return_document(view, computed=False)
    doc["plan_version"] = view.ret.plan_id
    canonical = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def document_json(view):
    return json.dumps(return_document(view), indent=2, ensure_ascii=False) + "\n"
