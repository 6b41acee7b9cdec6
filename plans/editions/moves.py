"""Where each answer of one template edition goes in another, as data (issue 12, item 4).

A plan moved from the April 2014 template to the September 2014 one keeps every answer: an answer
whose question has the same key and part in both editions stays where it is; one listed in `MOVES`
goes to the question and part named there; and one with no place in the new edition (None below, or
not listed) is kept beside the plan, visible and copyable, never deleted (plans.models.UnplacedAnswer).
Risk ratings (High/Medium/Low) become proposed scores the editor confirms (`proposed_score`).
"""

from dataclasses import dataclass
from decimal import Decimal

from bcf.core.money import format_money
from plans import editions as ed

MOVES = {
    ("2014-04", "2014-09"): {
        ("engagement.providers", ed.TEXT): ("engagement.providers_trusts", ed.TEXT),
        ("vision.aims", ed.TEXT): ("vision.outcomes", ed.TEXT),
        ("schemes.changes", ed.TEXT): ("vision.changes", ed.TEXT),
        ("schemes.acute_implications", ed.TEXT): ("engagement.acute_implications", ed.TEXT),
        ("schemes.governance", ed.TEXT): ("action.governance", ed.TEXT),
        ("conditions.social_care_protection", ed.TEXT): ("conditions.social_care_schemes", ed.TEXT),
        ("conditions.social_care_protection", ed.AMOUNT): ("conditions.social_care_amount", ed.AMOUNT),
        ("conditions.social_care_protection", ed.BREAKDOWN): ("conditions.social_care_amount", ed.BREAKDOWN),
        ("conditions.nhs_number", ed.YES): None,  # the revised template asks for plans, not a yes or no
        ("conditions.nhs_number_commitment", ed.DATE): ("conditions.nhs_number", ed.DATE),
        ("conditions.nhs_number_commitment", ed.TEXT): None,
        ("conditions.open_apis", ed.YES): None,
        ("conditions.ig_controls", ed.YES): None,
        ("conditions.joint_assessment", ed.YES): None,
        ("conditions.joint_assessment", ed.TEXT): ("conditions.joint_process", ed.TEXT),
        ("conditions.joint_assessment", ed.PERCENT): ("conditions.high_risk_proportion", ed.PERCENT),
        ("conditions.joint_assessment", ed.TOOL): ("conditions.high_risk_proportion", ed.TOOL),
        ("conditions.joint_assessment", ed.PERCENT_JOINT_CARE_PLAN): ("conditions.joint_care_plans", ed.PERCENT),
    },
}

# The editions whose risks are scored 1-5 (likelihood × potential impact) rather than rated.
SCORED_EDITIONS = frozenset({"2014-09"})

# A 2014-04 level (or overall rating) as a proposed 1-5 score: the editor confirms or changes it.
LEVEL_SCORES = {"LOW": 2, "MEDIUM": 3, "HIGH": 4, "Low": 2, "Medium": 3, "High": 4}


@dataclass(frozen=True)
class Placed:
    from_label: str
    to_label: str
    part: str
    preview: str


@dataclass(frozen=True)
class Unplaced:
    key: str
    part: str
    label: str
    value: object

    @property
    def shown(self):
        return display(self.value, self.part)


def _label(edition, key, part):
    """ "3 c) Data sharing – Please confirm that you are using the NHS Number… (your answer)": the
    question's number, the start of its prompt (several questions share a number) and the part."""
    question = edition.question(key)
    label = ed.question_label(edition.section_for_question(key), question)
    prompt = question.prompt.split(". ")[0][:70].rstrip()
    if prompt and not label.endswith(prompt):
        label = f"{label} – {prompt}{'…' if len(question.prompt) > len(prompt) else ''}"
    return label if len(question.parts) == 1 else f"{label} ({question.label_for(part).lower()})"


def display(value, part):
    """An answer's value as a person reads it: Yes/No, money as money, a breakdown as its lines."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if part in (ed.AMOUNT, ed.CARE_ACT_AMOUNT) and value not in (None, ""):
        return format_money(Decimal(str(value)))
    if part == ed.BREAKDOWN and isinstance(value, list):
        return "; ".join(
            f"{line.get('label', '')}: {format_money(Decimal(str(line.get('amount') or 0)))}" for line in value
        )
    return str(value)


def _filled(value):
    return value not in (None, "", [])


def _preview(value, part):
    text = display(value, part)
    return text[:200] + ("…" if len(text) > 200 else "")


def move_answers(answers, old, new):
    """{key: {part: value}} of `old` as answers of `new`: (answers, placed, unplaced). Text moved to a
    question that already has text is added below it, never written over."""
    if old.code == new.code:
        return answers, [], []
    moves = MOVES.get((old.code, new.code), {})
    out, placed, unplaced = {}, [], []
    for key, parts in answers.items():
        for part, value in parts.items():
            if not _filled(value):
                continue
            target = moves.get((key, part), ...)
            if target is ...:  # not listed: the same question and part, where the new edition has it
                try:
                    same = new.question(key)
                except KeyError:
                    same = None
                target = (key, part) if same is not None and part in same.parts else None
            if target is None:
                unplaced.append(Unplaced(key, part, _label(old, key, part), value))
                continue
            to_key, to_part = target
            slot = out.setdefault(to_key, {})
            if to_part == ed.TEXT and _filled(slot.get(to_part)):
                slot[to_part] = f"{slot[to_part]}\n\n{value}"
            elif _filled(slot.get(to_part)):
                unplaced.append(Unplaced(key, part, _label(old, key, part), value))
                continue
            else:
                slot[to_part] = value
            if (to_key, to_part) != (key, part):
                placed.append(Placed(_label(old, key, part), _label(new, to_key, to_part), part, _preview(value, part)))
    return out, placed, unplaced


def proposed_score(risk):
    """(likelihood, impact) proposed from a 2014-04 risk's levels or rating, or None."""
    likelihood = LEVEL_SCORES.get(risk.get("likelihood_level") or risk.get("rating") or "")
    impact = LEVEL_SCORES.get(risk.get("impact_level") or risk.get("rating") or "")
    if likelihood is None or impact is None:
        return None
    return likelihood, impact
