"""Edition 2014-04: the original Better Care Fund planning template (first draft and April final)."""

from plans.editions.base import (
    AMOUNT,
    BREAKDOWN,
    DATE,
    DOCUMENTS,
    PERCENT,
    PERCENT_JOINT_CARE_PLAN,
    RISKS,
    SIGNOFF,
    SUMMARY,
    TEXT,
    TOOL,
    YES,
    Edition,
    Question,
    RequiredWhen,
    Section,
)

PLAN_DETAILS = "1) PLAN DETAILS"
VISION = "2) VISION AND SCHEMES"
CONDITIONS = "3) NATIONAL CONDITIONS"
RISKS_PART = "4) RISKS"

RELATED_DOCUMENTS_PROMPT = (
    "Please include information/links to any related documents such as the full project plan for the "
    "scheme, and documents related to each national condition."
)

EDITION = Edition(
    code="2014-04",
    name="April 2014 (original template)",
    rounds=(
        ("first-draft", "First draft", "2014-02-14T23:59:59"),
        ("final", "Final", "2014-04-04T23:59:59"),
    ),
    sections=(
        Section("summary", "1 a)", "Summary of Plan", SUMMARY, PLAN_DETAILS),
        Section("signoff", "1 b)", "Authorisation and signoff", SIGNOFF, PLAN_DETAILS),
        Section(
            "provider-engagement",
            "1 c)",
            "Service provider engagement",
            part=PLAN_DETAILS,
            questions=(
                Question(
                    "engagement.providers",
                    "",
                    "Please describe how health and social care providers have been involved in the development "
                    "of this plan, and the extent to which they are party to it",
                ),
            ),
        ),
        Section(
            "public-engagement",
            "1 d)",
            "Patient, service user and public engagement",
            part=PLAN_DETAILS,
            questions=(
                Question(
                    "engagement.public",
                    "",
                    "Please describe how patients, service users and the public have been involved in the "
                    "development of this plan, and the extent to which they are party to it",
                ),
            ),
        ),
        Section("documents", "1 e)", "Related documentation", DOCUMENTS, PLAN_DETAILS, prompt=RELATED_DOCUMENTS_PROMPT),
        Section(
            "vision",
            "2 a)",
            "Vision for health and care services",
            part=VISION,
            questions=(
                Question(
                    "vision.vision",
                    "",
                    "Please describe the vision for health and social care services for this community for 2018/19.",
                    points=(
                        "What changes will have been delivered in the pattern and configuration of services over "
                        "the next five years?",
                        "What difference will this make to patient and service user outcomes?",
                    ),
                ),
            ),
        ),
        Section(
            "aims",
            "2 b)",
            "Aims and objectives",
            part=VISION,
            questions=(
                Question(
                    "vision.aims",
                    "",
                    "Please describe your overall aims and objectives for integrated care and provide information "
                    "on how the fund will secure improved outcomes in health and care in your area. Suggested "
                    "points to cover:",
                    points=(
                        "What are the aims and objectives of your integrated system?",
                        "How will you measure these aims and objectives?",
                        "What measures of health gain will you apply to your population?",
                    ),
                ),
            ),
        ),
        Section(
            "planned-changes",
            "2 c)",
            "Description of planned changes",
            part=VISION,
            tables=("schemes",),
            questions=(
                Question(
                    "schemes.changes",
                    "",
                    "Please provide an overview of the schemes and changes covered by your joint work programme, "
                    "including:",
                    points=(
                        "The key success factors including an outline of processes, end points and time frames "
                        "for delivery",
                        "How you will ensure other related activity will align, including the JSNA, JHWS, CCG "
                        "commissioning plan/s and Local Authority plan/s for social care",
                    ),
                ),
            ),
        ),
        Section(
            "acute-implications",
            "2 d)",
            "Implications for the acute sector",
            part=VISION,
            questions=(
                Question(
                    "schemes.acute_implications",
                    "",
                    "Set out the implications of the plan on the delivery of NHS services including clearly "
                    "identifying where any NHS savings will be realised and the risk of the savings not being "
                    "realised. You must clearly quantify the impact on NHS service delivery targets including in "
                    "the scenario of the required savings not materialising. The details of this response must be "
                    "developed with the relevant NHS providers.",
                ),
            ),
        ),
        Section(
            "governance",
            "2 e)",
            "Governance",
            part=VISION,
            questions=(
                Question(
                    "schemes.governance",
                    "",
                    "Please provide details of the arrangements in place for oversight and governance for progress "
                    "and outcomes",
                    allows_image=True,
                ),
            ),
        ),
        Section(
            "social-care",
            "3 a)",
            "Protecting social care services",
            part=CONDITIONS,
            questions=(
                Question(
                    "conditions.social_care_definition",
                    "",
                    "Please outline your agreed local definition of protecting adult social care services",
                ),
                Question(
                    "conditions.social_care_protection",
                    "",
                    "Please explain how local social care services will be protected within your plans",
                    parts=(TEXT, AMOUNT, BREAKDOWN),
                    required_parts=(TEXT,),
                    part_labels={
                        AMOUNT: "Total allocated to protecting social care (£, optional)",
                        BREAKDOWN: "Breakdown (for example by locality)",
                    },
                ),
            ),
        ),
        Section(
            "seven-day",
            "3 b)",
            "7 day services to support discharge",
            part=CONDITIONS,
            questions=(
                Question(
                    "conditions.seven_day",
                    "",
                    "Please provide evidence of strategic commitment to providing seven-day health and social care "
                    "services across the local health economy at a joint leadership level (Joint Health and "
                    "Wellbeing Strategy). Please describe your agreed local plans for implementing seven day "
                    "services in health and social care to support patients being discharged and prevent "
                    "unnecessary admissions at weekends",
                ),
            ),
        ),
        Section(
            "data-sharing",
            "3 c)",
            "Data sharing",
            part=CONDITIONS,
            questions=(
                Question(
                    "conditions.nhs_number",
                    "",
                    "Please confirm that you are using the NHS Number as the primary identifier for correspondence "
                    "across all health and care services.",
                    parts=(YES, TEXT),
                ),
                Question(
                    "conditions.nhs_number_commitment",
                    "",
                    "If you are not currently using the NHS Number as primary identifier for correspondence please "
                    "confirm your commitment that this will be in place and when by",
                    parts=(DATE, TEXT),
                    required_when=RequiredWhen("conditions.nhs_number", YES, False),
                    part_labels={DATE: "Date the NHS Number will be in use by"},
                ),
                Question(
                    "conditions.open_apis",
                    "",
                    "Please confirm that you are committed to adopting systems that are based upon Open APIs "
                    "(Application Programming Interface) and Open Standards (i.e. secure email standards, "
                    "interoperability standards (ITK))",
                    parts=(YES, TEXT),
                ),
                Question(
                    "conditions.ig_controls",
                    "",
                    "Please confirm that you are committed to ensuring that the appropriate IG Controls will be in "
                    "place. These will need to cover NHS Standard Contract requirements, IG Toolkit requirements, "
                    "professional clinical practise and in particular requirements set out in Caldicott 2.",
                    parts=(YES, TEXT),
                ),
            ),
        ),
        Section(
            "joint-assessment",
            "3 d)",
            "Joint assessment and accountable lead professional",
            part=CONDITIONS,
            questions=(
                Question(
                    "conditions.joint_assessment",
                    "",
                    "Please confirm that local people at high risk of hospital admission have an agreed accountable "
                    "lead professional and that health and social care use a joint process to assess risk, plan "
                    "care and allocate a lead professional. Please specify what proportion of the adult population "
                    "are identified as at high risk of hospital admission, what approach to risk stratification you "
                    "have used to identify them, and what proportion of individuals at risk have a joint care plan "
                    "and accountable professional.",
                    parts=(YES, TEXT, PERCENT, TOOL, PERCENT_JOINT_CARE_PLAN),
                    required_parts=(YES, TEXT),
                    part_labels={
                        PERCENT: "Proportion of the adult population identified as at high risk of hospital admission (%)",
                        TOOL: "Approach to risk stratification used to identify them",
                        PERCENT_JOINT_CARE_PLAN: "Proportion of individuals at risk with a joint care plan and "
                        "accountable professional (%)",
                    },
                ),
            ),
        ),
        Section(
            "risks",
            "4)",
            "Risks",
            RISKS,
            RISKS_PART,
            prompt="Please provide details of the most important risks and your plans to mitigate them. This should "
            "include risks associated with the impact on NHS service providers",
        ),
    ),
)
