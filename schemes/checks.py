"""The checks of the schemes table, Annex 1 and the milestones (DOMAIN.md §6). Each takes the plan
view-model and the section, and adds `bcf.core.issues.Issue`s; plans.content.checks lists them in
its registry of section checks."""

from bcf.core.issues import ERROR, MISSING, WARNING, Issue
from schemes.milestones import dependency_problems
from schemes.models import ANNEX1_FIELDS


def check_annex1(view, section, add, placeholder_issues):
    """Every scheme has its Annex 1 Detailed Scheme Description, with no placeholder left in."""
    check_schemes(view, section, add, placeholder_issues, annex1=True)


def check_schemes_listed(view, section, add, placeholder_issues):
    """The schemes listed under a question (2014-04's 2 c)): no placeholder left in a name or theme."""
    check_schemes(view, section, add, placeholder_issues, annex1=False)


def check_schemes(view, section, add, placeholder_issues, *, annex1):
    slug = section.slug
    if annex1 and not view.schemes:
        add(Issue(ERROR, f"{section.heading}: add at least one scheme", slug, "add-scheme", MISSING))
    for scheme in view.schemes:
        where = f"Scheme {scheme.ref}"
        anchor = f"scheme-{scheme.pk}"
        placeholder_issues(scheme.name, slug, anchor, where)
        placeholder_issues(scheme.theme, slug, anchor, where)
        if annex1:
            if not scheme.annex1_complete:
                missing = [
                    short
                    for (name, _, _), short in zip(ANNEX1_FIELDS, ANNEX1_LABELS, strict=True)
                    if not getattr(scheme, name).strip()
                ]
                detail = "not started" if len(missing) == len(ANNEX1_LABELS) else "empty: " + "; ".join(missing)
                add(
                    Issue(
                        ERROR,
                        f"{where}: complete its Annex 1 Detailed Scheme Description ({detail})",
                        slug,
                        anchor,
                        MISSING,
                    )
                )
            for name, label, _ in ANNEX1_FIELDS:
                placeholder_issues(getattr(scheme, name), slug, anchor, f"{where}, Annex 1 – {label}")


ANNEX1_LABELS = (
    "objective",
    "overview",
    "delivery chain",
    "evidence base",
    "impact",
    "feedback loop",
    "success factors",
)


def check_milestones(view, section, add, placeholder_issues):
    slug = section.slug
    if not view.milestones:
        add(Issue(ERROR, f"{section.heading}: add the key milestones", slug, "add-milestone", MISSING))
    for number, message in dependency_problems([(m.number, m.depends_on) for m in view.milestones]):
        add(Issue(ERROR, f"{section.heading}: {message}", slug, f"milestone-{number}"))
    scheme_refs = {s.ref.lower() for s in view.schemes}
    undated = [m.number for m in view.milestones if not (m.start or m.end)]
    if undated:
        numbers = ", ".join(str(n) for n in undated[:10]) + (
            f" and {len(undated) - 10} more" if len(undated) > 10 else ""
        )
        add(
            Issue(
                ERROR,
                f"{section.heading}: give a start or end month to {len(undated)} of {len(view.milestones)} "
                f"milestones (milestone {numbers})",
                slug,
                f"milestone-{undated[0]}",
                MISSING,
            )
        )
    for milestone in view.milestones:
        anchor = f"milestone-{milestone.number}"
        if milestone.scheme_ref and milestone.scheme_ref.lower() not in scheme_refs:
            add(
                Issue(
                    WARNING,
                    f"Milestone {milestone.number}: scheme “{milestone.scheme_ref}” is not in the list of schemes",
                    slug,
                    anchor,
                )
            )
        if milestone.start and milestone.end and milestone.end < milestone.start:
            add(Issue(ERROR, f"Milestone {milestone.number}: ends before it starts", slug, anchor))
        placeholder_issues(milestone.task, slug, anchor, f"Milestone {milestone.number}")
        placeholder_issues(milestone.period, slug, anchor, f"Milestone {milestone.number}")
