"""Part 2 in the plan JSON (`part2` of bcf-plan/1, DOMAIN.md §9).

The Part 2 issue fills these in; until then a plan's Part 2 exports as empty lists and an imported
`part2` is validated by the schema only.
"""

EMPTY_PART2 = {"funding": [], "expenditure": [], "benefits": [], "p4p": None, "metrics": []}


def export_part2(view):
    """The plan's Part 2 inputs as the `part2` object."""
    return {key: (list(value) if isinstance(value, list) else value) for key, value in EMPTY_PART2.items()}


def prepare_part2(part2, *, edition):
    """Check a document's `part2` and return what `import_part2` needs; raise PlanImportError with a path."""
    return None


def import_part2(plan, prepared):
    """Create the Part 2 rows of a newly imported plan from `prepare_part2`'s result."""
