"""The Part 1 checks of DOMAIN.md §6 over one plan view-model.

Errors block "ready for sign-off" and submission; warnings are shown but do not block. Each issue
names the section and the field it is about, so the check page links straight to it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.dateformat import format as format_date

from bcf.core.issues import (
    CANNOT_START,
    COMPLETED,
    ERROR,
    HAS_ERRORS,
    IN_PROGRESS,
    MISSING,
    NOT_STARTED,
    PROBLEM,
    WARNING,
    Issue,
)
from bcf.core.placeholders import find_placeholders
from metrics.checks import part2_issues
from plans import deadlines
from plans import editions as ed
from plans.editions import get_edition
from plans.editions.tables import ANNEX2
from schemes.checks import check_annex1, check_milestones, check_schemes_listed


def anchor_for(key, part="text"):
    """The id of the element a check links to on the section page."""
    name = key.replace(".", "-") + "-" + part
    if part == "date":
        return f"id_{name}_0"  # the day box of a GOV.UK date input
    if part == "breakdown":
        return f"{name}-rows"  # the breakdown fieldset
    return f"id_{name}"


def _filled(answer, part):
    if answer is None:
        return False
    value = getattr(answer, part)
    if part == ed.TEXT or part == ed.TOOL:
        return bool(value and value.strip())
    if part == ed.BREAKDOWN:
        return bool(value)
    return value is not None


def _question_required(question, answers):
    if question.required_when is None:
        return question.required
    other = answers.get(question.required_when.key)
    return other is not None and getattr(other, question.required_when.part) == question.required_when.value


def _money(value):
    return Decimal(str(value)) if value not in (None, "") else None


def check_plan(view):
    """Every error and warning of the plan, in template order: its content's, then the deadline's."""
    return check_content(view) + check_deadline(view.plan)


def check_content(view, part2_found=None):
    """The errors and warnings that depend on the plan's content alone (not on today's date).
    `part2_found`: the plan's metrics.checks.part2_issues when the caller has them already."""
    issues = []
    for section in get_edition(view.plan.edition).sections:
        issues.extend(check_section(view, section))
    if part2_found is None:
        part2_found = part2_issues(view)
    issues.extend(found.issue for found in part2_found)
    return issues


def check_section(view, section):
    """The Part 1 errors and warnings of one section. A plain question section (QUESTIONS, no tables)
    reads only the plan row and `view.answers`: of its own questions, of their `required_when`
    questions and of READS_OTHER_ANSWERS (plans.content.task_summary relies on this to update one section)."""
    issues = []
    add = issues.append

    def placeholder_issues(text, section, anchor, where):
        for found in find_placeholders(text):
            add(Issue(ERROR, f"{where}: template placeholder “{found}” left in", section, anchor, find=found))

    for check in SECTION_CHECKS:
        if check.applies(section):
            check.run(view, section, add, placeholder_issues)
    return issues


# Answers a question's checks read besides its own (and its `required_when` question's).
READS_OTHER_ANSWERS = {"conditions.carers": ("conditions.social_care_amount",)}


def check_deadline(plan):
    """A late submission is a warning (DOMAIN.md §6): flagged, still accepted."""
    deadline = deadlines.round_deadline(plan.edition, plan.round)
    if deadline is None:
        return []
    label = f"the {plan.get_round_display()} round ({format_date(deadline, 'j F Y, H:i')})"
    if plan.date_submitted:
        if plan.date_submitted <= deadline:
            return []
        message = f"Late submission: the plan was submitted after the deadline for {label}"
    elif deadlines.now() > deadline:
        message = f"Late submission: the deadline for {label} has passed, so the submission will be flagged late"
    else:
        return []
    return [Issue(WARNING, message)]


def _check_summary(view, section, add, placeholder_issues):
    plan, slug = view.plan, section.slug
    if not plan.boundary_differences.strip():
        add(
            Issue(
                ERROR,
                "Summary of Plan: enter the boundary differences (or “No boundary differences”)",
                slug,
                "id_boundary_differences",
                MISSING,
            )
        )
    if plan.date_agreed_at_hwb is None:
        add(
            Issue(
                ERROR,
                "Summary of Plan: enter the date agreed at the Health and Wellbeing Board",
                slug,
                "id_date_agreed_at_hwb",
                MISSING,
            )
        )
    for year, total, minimum, anchor in (
        ("2014/15", plan.total_agreed_2014_15, plan.minimum_2014_15, "id_total_agreed_2014_15"),
        ("2015/16", plan.total_agreed_2015_16, plan.minimum_2015_16, "id_total_agreed_2015_16"),
    ):
        if total is None:
            add(
                Issue(
                    ERROR,
                    f"Summary of Plan: enter the total agreed value of the pooled budget for {year}",
                    slug,
                    anchor,
                    MISSING,
                )
            )
        elif minimum is not None and total < minimum:
            add(
                Issue(
                    ERROR,
                    f"Summary of Plan: the total agreed pooled budget for {year} (£{total:,.2f}) is below "
                    f"the minimum required (£{minimum:,.2f})",
                    slug,
                    anchor,
                )
            )
    for text, anchor, where in (
        (plan.boundary_differences, "id_boundary_differences", "boundary differences"),
        (plan.date_agreed_note, "id_date_agreed_note", "note on the date agreed"),
        (plan.total_agreed_note, "id_total_agreed_note", "note on the total agreed value"),
    ):
        placeholder_issues(text, slug, anchor, f"Summary of Plan, {where}")


def _check_question(view, section, question, add, placeholder_issues):
    answers = view.answers
    answer = answers.get(question.key)
    label = ed.question_label(section, question)
    if _question_required(question, answers):
        for part in question.must_fill:
            if question.key == "conditions.nhs_number_commitment" and part == ed.DATE and not _filled(answer, part):
                add(
                    Issue(
                        ERROR,
                        f"{label}: the NHS Number is not in use; give the date it will be in place by",
                        section.slug,
                        anchor_for(question.key, part),
                    )
                )
                continue
            if not _filled(answer, part):
                what = {
                    "text": "an answer",
                    "yes": "yes or no",
                    "date": "a date",
                    "percent": "a percentage",
                    "amount": "an amount",
                }.get(part, question.label_for(part).lower())
                add(Issue(ERROR, f"{label}: enter {what}", section.slug, anchor_for(question.key, part), MISSING))
    if answer is None:
        return
    placeholder_issues(answer.text, section.slug, anchor_for(question.key), label)
    placeholder_issues(answer.tool, section.slug, anchor_for(question.key, "tool"), label)
    for line in answer.breakdown or []:
        placeholder_issues(line.get("label", ""), section.slug, anchor_for(question.key, "breakdown"), label)
    key = question.key
    if ed.DATE in question.parts and answer.date is not None and key.startswith("conditions.nhs_number"):
        reference = _submission_date(view)
        if reference and answer.date < reference:
            add(
                Issue(
                    WARNING,
                    f"{label}: the commitment date {answer.date:%d/%m/%Y} is before the submission date "
                    f"{reference:%d/%m/%Y}",
                    section.slug,
                    anchor_for(key, "date"),
                )
            )
    if ed.BREAKDOWN in question.parts and answer.breakdown and answer.amount is not None:
        total = sum((_money(line.get("amount")) or Decimal(0)) for line in answer.breakdown)
        if total != answer.amount:
            add(
                Issue(
                    WARNING,
                    f"{label}: the breakdown adds up to £{total:,.2f}, not the stated total £{answer.amount:,.2f}",
                    section.slug,
                    anchor_for(key, "breakdown"),
                )
            )
    if key == "conditions.carers" and answer.amount is not None:
        (care_act_key,) = READS_OTHER_ANSWERS[key]
        care_act = answers.get(care_act_key)
        if care_act is not None and care_act.care_act_amount is not None and answer.amount > care_act.care_act_amount:
            add(
                Issue(
                    WARNING,
                    f"{label}: carers' support (£{answer.amount:,.2f}) is greater than the Care Act amount "
                    f"(£{care_act.care_act_amount:,.2f})",
                    section.slug,
                    anchor_for(key, "amount"),
                )
            )


def _submission_date(view):
    """The date a commitment is compared with: the round's deadline, for every reader before and
    after submission alike (the checks are the same for editors, signatories and reviewers)."""
    plan = view.plan
    for code, _label, deadline in get_edition(plan.edition).rounds:
        if code == plan.round:
            return date.fromisoformat(deadline[:10])
    return None


def _check_risks(view, section, add, placeholder_issues):
    slug = section.slug
    if not view.risks:
        add(Issue(ERROR, f"{section.heading}: add at least one risk", slug, "add-risk", MISSING))
    scored = view.plan.edition == "2014-09"
    for index, risk in enumerate(view.risks, start=1):
        where = f"{section.heading}, risk {index}"
        anchor = f"risk-{risk.pk}"
        for name, value in (("likelihood", risk.likelihood), ("impact", risk.impact)):
            if value is not None and not 1 <= value <= 5:
                add(Issue(ERROR, f"{where}: the {name} must be from 1 to 5 (it is {value})", slug, anchor))
            elif value is None and scored:
                add(Issue(ERROR, f"{where}: give the {name} from 1 to 5", slug, anchor, MISSING))
        if not scored and not (risk.rating or (risk.impact_level and risk.likelihood_level)):
            add(Issue(ERROR, f"{where}: give a risk rating", slug, anchor, MISSING))
        if not risk.mitigation.strip():
            add(Issue(ERROR, f"{where}: describe the mitigating actions", slug, anchor, MISSING))
        placeholder_issues(risk.risk, slug, anchor, where)
        placeholder_issues(risk.mitigation, slug, anchor, where)
        placeholder_issues(risk.impact_falls_on, slug, anchor, where)


# What Annex 2 asks of the HWB and of the provider: blank, the commentary is not complete.
ANNEX2_REQUIRED = (
    "ceo",
    "nel_2013_14_outturn",
    "nel_2014_15_plan",
    "nel_2015_16_plan",
    "prevented_2014_15",
    "prevented_2015_16",
)


def _check_providers(view, section, add, placeholder_issues):
    slug = section.slug
    if not view.provider_commentaries:
        add(
            Issue(ERROR, f"{section.heading}: add the commentary of each acute provider", slug, "add-provider", MISSING)
        )
    for commentary in view.provider_commentaries:
        where = f"Annex 2, {commentary.provider}"
        anchor = f"provider-{commentary.pk}"
        blank = [ANNEX2[name] for name in ANNEX2_REQUIRED if getattr(commentary, name) in (None, "")]
        blank += [ANNEX2["agrees"].split(" Do you")[0]] if commentary.agrees is None else []
        if blank:
            add(Issue(ERROR, f"{where}: complete " + "; ".join(blank), slug, anchor, MISSING))
        if commentary.agrees is False and not commentary.disagreement.strip():
            add(Issue(ERROR, f"{where}: the provider does not agree (Q1), so Q2 must explain why", slug, anchor))
        placeholder_issues(commentary.signature, slug, anchor, where)
        placeholder_issues(commentary.disagreement, slug, anchor, where)
        placeholder_issues(commentary.ceo, slug, anchor, where)


def section_statuses(view, issues):
    """Status of every section of the plan's edition, keyed by slug."""
    return {section.slug: section_status(view, section, issues) for section in view.edition.sections}


def section_status(view, section, issues):
    """Status of one section from the plan's issues (only the section's own errors count)."""
    if section.kind == ed.SIGNOFF:
        signed = view.plan.status in ("SIGNED_OFF", "SUBMITTED", "RETURNED", "ASSURED")
        return CANNOT_START if view.plan.is_editable else COMPLETED if signed else IN_PROGRESS
    problems = [i for i in issues if i.level == ERROR and i.section == section.slug]
    if any(p.kind == PROBLEM for p in problems):
        return HAS_ERRORS
    if not _section_started(view, section):
        return NOT_STARTED
    return IN_PROGRESS if problems else COMPLETED


def _section_started(view, section):
    plan = view.plan
    if section.kind == ed.SUMMARY:
        return bool(
            plan.boundary_differences
            or plan.date_agreed_at_hwb
            or plan.total_agreed_2014_15
            or plan.total_agreed_2015_16
        )
    if section.kind == ed.DOCUMENTS:
        return bool(view.documents)
    if section.kind == ed.RISKS:
        return bool(view.risks)
    if section.kind == ed.SCHEMES:
        return bool(view.schemes)
    if section.kind == ed.MILESTONES:
        return bool(view.milestones)
    if section.kind == ed.PROVIDERS:
        return bool(view.provider_commentaries)
    for question in section.questions:
        answer = view.answers.get(question.key)
        if answer is not None and any(_filled(answer, part) for part in question.parts):
            return True
    return "schemes" in section.tables and bool(view.schemes)


def _check_documents(view, section, add, placeholder_issues):
    for doc in view.documents:
        where = f"{section.heading}, document {doc.ref or doc.title}"
        placeholder_issues(doc.title, section.slug, f"document-{doc.pk}", where)
        placeholder_issues(doc.synopsis, section.slug, f"document-{doc.pk}", where)


def _check_questions(view, section, add, placeholder_issues):
    for question in section.questions:
        _check_question(view, section, question, add, placeholder_issues)


@dataclass(frozen=True)
class SectionCheck:
    """One rule of the Part 1 checks: the sections it applies to, what it reads, and the function
    (view, section, add, placeholder_issues) that adds its issues."""

    name: str
    applies: Callable
    reads: str
    run: Callable


def _kind(kind):
    return lambda section: section.kind == kind


# Run in this order for each section, so issues come in template order (DOMAIN.md §6).
SECTION_CHECKS = (
    SectionCheck("summary", _kind(ed.SUMMARY), "the plan row, its CCGs and planning units", _check_summary),
    SectionCheck("related documents", _kind(ed.DOCUMENTS), "related documents", _check_documents),
    SectionCheck("risks", _kind(ed.RISKS), "risks", _check_risks),
    SectionCheck("Annex 1", _kind(ed.SCHEMES), "schemes", check_annex1),
    SectionCheck("milestones", _kind(ed.MILESTONES), "milestones and scheme references", check_milestones),
    SectionCheck("Annex 2", _kind(ed.PROVIDERS), "provider commentaries", _check_providers),
    SectionCheck("schemes listed", lambda s: "schemes" in s.tables, "schemes", check_schemes_listed),
    SectionCheck(
        "questions", lambda s: bool(s.questions), "the section's answers and READS_OTHER_ANSWERS", _check_questions
    ),
)
