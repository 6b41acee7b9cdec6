"""The national conditions a return reports on, per template edition (DOMAIN.md §10, section 3)."""

CONDITIONS_2014_04 = (
    ("social_care", "Protecting social care services"),
    ("seven_day", "7-day services to support discharge and prevent unnecessary admissions at weekends"),
    ("data_sharing", "Data sharing and the use of the NHS Number as the primary identifier"),
    ("joint_assessment", "Joint approach to assessments and care planning, with an accountable lead professional"),
)
CONDITIONS_2014_09 = (
    *CONDITIONS_2014_04,
    ("acute_impact", "Agreement on the consequential impact of the changes on the providers of acute services"),
)


def conditions_for(edition):
    """[(key, label)] of the plan's edition, in the template's order."""
    return list(CONDITIONS_2014_09 if edition == "2014-09" else CONDITIONS_2014_04)
