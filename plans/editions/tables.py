"""The structured tables' wording, as data: each column's label as the templates word it (Annex 2's
provider questions word for word). The forms, the PDF, the version comparison and the history read
their labels from here, so a table says the same thing everywhere."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str  # the model field, or the bcf-plan/1 key of a group of fields
    label: str
    long: bool = False  # long text: compared word by word


def labels(columns):
    return {column.key: column.label for column in columns}


# Annex 2 – Provider commentary (edition 2014-09), DOMAIN.md §4.
ANNEX2_PROVIDER_HEADING = "Provider"
ANNEX2_HWB_HEADING = "For HWB to populate"
ANNEX2_PROVIDER_ANSWERS_HEADING = "For Provider to populate"
ANNEX2_NEL_HEADING = "Total number of non-elective FFCEs in general & acute"
ANNEX2_COLUMNS = (
    Column("hwb", "Name of Health and Wellbeing Board"),
    Column("provider", "Name of Provider organisation"),
    Column("ceo", "Name of Provider CEO"),
    Column("signature", "Signature (with typed name and date)"),
    Column("nel_2013_14_outturn", "2013/14 outturn"),
    Column("nel_2014_15_plan", "2014/15 plan"),
    Column("nel_2015_16_plan", "2015/16 plan"),
    Column("change_14_15", "14/15 Change compared to 13/14 outturn"),
    Column("change_15_16", "15/16 Change compared to planned 14/15 outturn"),
    Column("prevented_2014_15", "How many non-elective admissions is the BCF planned to prevent in 14-15?"),
    Column("prevented_2015_16", "How many non-elective admissions is the BCF planned to prevent in 15-16?"),
    Column(
        "agrees",
        "Q1. Do you agree with the data above relating to the impact of the BCF in terms of a reduction in "
        "non-elective (general and acute) admissions in 15/16 compared to planned 14/15 outturn?",
    ),
    Column(
        "disagreement",
        "Q2. If you answered 'no' to Q.1 above, please explain why you do not agree with the projected impact?",
        long=True,
    ),
)
ANNEX2 = labels(ANNEX2_COLUMNS)
# The groups bcf-plan/1 keeps the figures in (and the comparison compares).
ANNEX2_DOCUMENT_COLUMNS = (
    Column("provider", ANNEX2["provider"]),
    Column("ceo", ANNEX2["ceo"]),
    Column("signature", ANNEX2["signature"]),
    Column("nel_ffces", ANNEX2_NEL_HEADING),
    Column("prevented", "Non-elective admissions the BCF is planned to prevent (14-15, 15-16)"),
    Column("agrees", ANNEX2["agrees"]),
    Column("disagreement", ANNEX2["disagreement"], long=True),
)

RISK_COLUMNS = (
    Column("group", "Group heading"),
    Column("risk", "There is a risk that", long=True),
    Column("rating", "Risk rating"),
    Column("impact_level", "Impact"),
    Column("likelihood_level", "Likelihood"),
    Column("likelihood", "Likelihood (1-5)"),
    Column("impact", "Potential impact (1-5)"),
    Column("financial_impact_000s", "Financial impact (£000s)"),
    Column("impact_falls_on", "Who the financial impact falls on"),
    Column("leads", "Lead"),
    Column("mitigation", "Mitigating actions", long=True),
)

MILESTONE_COLUMNS = (
    Column("number", "Number"),
    Column("theme", "Theme"),
    Column("scheme_ref", "Scheme"),
    Column("task", "Task", long=True),
    Column("depends_on", "Depends on"),
    Column("start", "Start"),
    Column("end", "End"),
    Column("period", "Period"),
)

DOCUMENT_COLUMNS = (
    Column("ref", "Reference"),
    Column("title", "Document or information title"),
    Column("synopsis", "Synopsis and links", long=True),
)

SCHEME_COLUMNS = (
    Column("ref", "Reference"),
    Column("name", "Name"),
    Column("theme", "Theme"),
    Column("planning_unit", "Planning unit"),
)
