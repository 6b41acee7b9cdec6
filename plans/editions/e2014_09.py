"""Edition 2014-09: the revised Better Care Fund planning template (September 2014)."""

from plans.editions.base import (
    AMOUNT,
    BREAKDOWN,
    CARE_ACT_AMOUNT,
    COUNT,
    DATE,
    DOCUMENTS,
    MILESTONES,
    PERCENT,
    PROVIDERS,
    RISKS,
    SCHEMES,
    SIGNOFF,
    SUMMARY,
    TEXT,
    TOOL,
    YES,
    Edition,
    Question,
    Section,
)
from plans.editions.e2014_04 import RELATED_DOCUMENTS_PROMPT

PLAN_DETAILS = "1) PLAN DETAILS"
VISION = "2) VISION FOR HEALTH AND CARE SERVICES"
CASE = "3) CASE FOR CHANGE"
ACTION = "4) PLAN OF ACTION"
RISKS_PART = "5) RISKS AND CONTINGENCY"
ALIGNMENT = "6) ALIGNMENT"
CONDITIONS = "7) NATIONAL CONDITIONS"
ENGAGEMENT = "8) ENGAGEMENT"
ANNEX2 = "ANNEX 2 – Provider commentary"

PROVIDER_ENGAGEMENT_PROMPT = (
    "Please describe how the following groups of providers have been engaged in the development of the plan "
    "and the extent to which it is aligned with their operational plans"
)

EDITION = Edition(
    code="2014-09",
    name="September 2014 (revised template)",
    rounds=(("revised", "Revised", "2014-09-19T12:00:00"),),
    sections=(
        Section("summary", "1 a)", "Summary of Plan", SUMMARY, PLAN_DETAILS),
        Section("signoff", "1 b)", "Authorisation and signoff", SIGNOFF, PLAN_DETAILS),
        Section("documents", "1 c)", "Related documentation", DOCUMENTS, PLAN_DETAILS, prompt=RELATED_DOCUMENTS_PROMPT),
        Section(
            "vision",
            "2)",
            "Vision for health and care services",
            part=VISION,
            questions=(
                Question(
                    "vision.vision",
                    "a)",
                    "Drawing on your JSNA, JHWS and patient and service user feedback, please describe the vision "
                    "for health and social care services for this community for 2019/20",
                ),
                Question(
                    "vision.outcomes", "b)", "What difference will this make to patient and service user outcomes?"
                ),
                Question(
                    "vision.changes",
                    "c)",
                    "What changes will have been delivered in the pattern and configuration of services over the "
                    "next five years, and how will BCF funded work contribute to this?",
                ),
            ),
        ),
        Section(
            "case-for-change",
            "3)",
            "Case for change",
            part=CASE,
            questions=(
                Question(
                    "case_for_change",
                    "",
                    "Please set out a clear, analytically driven understanding of how care can be improved by "
                    "integration in your area, explaining the risk stratification exercises you have undertaken as "
                    "part of this.",
                ),
            ),
        ),
        Section(
            "milestones",
            "4 a)",
            "Milestones",
            MILESTONES,
            ACTION,
            prompt="Please map out the key milestones associated with the delivery of the Better Care Fund plan and "
            "any key interdependencies",
        ),
        Section(
            "governance",
            "4 b)",
            "Governance arrangements",
            part=ACTION,
            questions=(
                Question(
                    "action.governance",
                    "",
                    "Please articulate the overarching governance arrangements for integrated care locally",
                    allows_image=True,
                ),
            ),
        ),
        Section(
            "oversight",
            "4 c)",
            "Management and oversight of delivery",
            part=ACTION,
            questions=(
                Question(
                    "action.oversight",
                    "",
                    "Please provide details of the management and oversight of the delivery of the Better care Fund "
                    "plan, including management of any remedial actions should plans go off track",
                ),
            ),
        ),
        Section(
            "schemes",
            "4 d)",
            "List of planned BCF schemes",
            SCHEMES,
            ACTION,
            prompt="Please list below the individual projects or changes which you are planning as part of the Better "
            "Care Fund. Please complete the Detailed Scheme Description template (Annex 1) for each of these schemes.",
        ),
        Section(
            "risks",
            "5 a)",
            "Risk log",
            RISKS,
            RISKS_PART,
            prompt="Please provide details of the most important risks and your plans to mitigate them. This should "
            "include risks associated with the impact on NHS service providers and any financial risks for both the "
            "NHS and local government.",
        ),
        Section(
            "contingency",
            "5 b)",
            "Contingency plan and risk sharing",
            part=RISKS_PART,
            prompt="Please outline the locally agreed plans in the event that the target for reduction in emergency "
            "admissions is not met, including what risk sharing arrangements are in place i) between commissioners "
            "across health and social care and ii) between providers and commissioners",
            questions=(
                Question(
                    "risks.contingency_commissioners",
                    "i)",
                    "Please outline the locally agreed plans in the event that the target for reduction in emergency "
                    "admissions is not met, including what risk sharing arrangements are in place i) between "
                    "commissioners across health and social care",
                    title="between commissioners across health and social care",
                ),
                Question(
                    "risks.contingency_providers",
                    "ii)",
                    "ii) between providers and commissioners",
                    title="between providers and commissioners",
                ),
            ),
        ),
        Section(
            "alignment",
            "6)",
            "Alignment",
            part=ALIGNMENT,
            questions=(
                Question(
                    "alignment.initiatives",
                    "a)",
                    "Please describe how these plans align with other initiatives related to care and support "
                    "underway in your area",
                ),
                Question(
                    "alignment.plans",
                    "b)",
                    "Please describe how your BCF plan of action aligns with existing 2 year operating and 5 year "
                    "strategic plans, as well as local government planning documents",
                ),
                Question(
                    "alignment.cocommissioning",
                    "c)",
                    "Please describe how your BCF plans align with your plans for primary co-commissioning.",
                    parts=(TEXT, YES),
                    required_parts=(TEXT,),
                    points=(
                        "For those areas which have not applied for primary co-commissioning status, please confirm "
                        "that you have discussed the plan with primary care leads.",
                    ),
                    part_labels={YES: "Have you discussed the plan with primary care leads?"},
                ),
            ),
        ),
        Section(
            "social-care",
            "7 a)",
            "Protecting social care services",
            part=CONDITIONS,
            prompt="Please give a brief description of how the plan meets each of the national conditions for the "
            "BCF, noting that risk-sharing and provider impact will be covered in the following sections.",
            questions=(
                Question(
                    "conditions.social_care_definition",
                    "i)",
                    "Please outline your agreed local definition of protecting adult social care services (not spending)",
                ),
                Question(
                    "conditions.social_care_schemes",
                    "ii)",
                    "Please explain how local schemes and spending plans will support the commitment to protect "
                    "social care",
                ),
                Question(
                    "conditions.social_care_amount",
                    "iii)",
                    "Please indicate the total amount from the BCF that has been allocated for the protection of "
                    "adult social care services. (And please confirm that at least your local proportion of the "
                    "£135m has been identified from the additional £1.9bn funding from the NHS in 2015/16 for the "
                    "implementation of the new Care Act duties.)",
                    parts=(AMOUNT, BREAKDOWN, CARE_ACT_AMOUNT, YES, TEXT),
                    required_parts=(AMOUNT, YES),
                    part_labels={
                        AMOUNT: "Total allocated for the protection of adult social care services (£)",
                        BREAKDOWN: "Breakdown of the total",
                        YES: "Has at least your local proportion of the £135m been identified for the new Care Act duties?",
                        TEXT: "Comments",
                    },
                ),
                Question(
                    "conditions.care_act",
                    "iv)",
                    "Please explain how the new duties resulting from care and support reform set out in the Care Act "
                    "2014 will be met",
                ),
                Question(
                    "conditions.carers",
                    "v)",
                    "Please specify the level of resource that will be dedicated to carer-specific support",
                    parts=(AMOUNT, TEXT),
                    part_labels={AMOUNT: "Resource dedicated to carer-specific support (£)"},
                ),
                Question(
                    "conditions.la_budget",
                    "vi)",
                    "Please explain to what extent has the local authority's budget been affected against what was "
                    "originally forecast with the original BCF plan?",
                ),
            ),
        ),
        Section(
            "seven-day",
            "7 b)",
            "7 day services to support discharge",
            part=CONDITIONS,
            questions=(
                Question(
                    "conditions.seven_day",
                    "",
                    "Please describe your agreed local plans for implementing seven day services in health and "
                    "social care to support patients being discharged and to prevent unnecessary admissions at weekends",
                ),
            ),
        ),
        Section(
            "data-sharing",
            "7 c)",
            "Data sharing",
            part=CONDITIONS,
            questions=(
                Question(
                    "conditions.nhs_number",
                    "i)",
                    "Please set out the plans you have in place for using the NHS Number as the primary identifier for "
                    "correspondence across all health and care services",
                    parts=(TEXT, DATE),
                    required_parts=(TEXT,),
                    part_labels={DATE: "Target date"},
                ),
                Question(
                    "conditions.open_apis",
                    "ii)",
                    "Please explain your approach for adopting systems that are based upon Open APIs (Application "
                    "Programming Interface) and Open Standards (i.e. secure email standards, interoperability "
                    "standards (ITK))",
                ),
                Question(
                    "conditions.ig_controls",
                    "iii)",
                    "Please explain your approach for ensuring that the appropriate IG Controls will be in place. "
                    "These will need to cover NHS Standard Contract requirements, IG Toolkit requirements, "
                    "professional clinical practice and in particular requirements set out in Caldicott 2.",
                ),
            ),
        ),
        Section(
            "joint-assessment",
            "7 d)",
            "Joint assessment and accountable lead professional for high risk populations",
            part=CONDITIONS,
            questions=(
                Question(
                    "conditions.high_risk_proportion",
                    "i)",
                    "Please specify what proportion of the adult population are identified as at high risk of "
                    "hospital admission, and what approach to risk stratification was used to identify them",
                    parts=(PERCENT, TOOL, TEXT),
                    required_parts=(PERCENT, TEXT),
                    part_labels={PERCENT: "Proportion of the adult population at high risk (%)"},
                ),
                Question(
                    "conditions.joint_process",
                    "ii)",
                    "Please describe the joint process in place to assess risk, plan care and allocate a lead "
                    "professional for this population",
                ),
                Question(
                    "conditions.joint_care_plans",
                    "iii)",
                    "Please state what proportion of individuals at high risk already have a joint care plan in place",
                    parts=(PERCENT, COUNT, TEXT),
                    required_parts=(TEXT,),
                    part_labels={
                        PERCENT: "Proportion with a joint care plan (%)",
                        COUNT: "Number of individuals with a joint care plan",
                    },
                ),
            ),
        ),
        Section(
            "public-engagement",
            "8 a)",
            "Patient, service user and public engagement",
            part=ENGAGEMENT,
            questions=(
                Question(
                    "engagement.public",
                    "",
                    "Please describe how patients, service users and the public have been involved in the "
                    "development of this plan to date and will be involved in the future",
                ),
            ),
        ),
        Section(
            "provider-engagement",
            "8 b)",
            "Service provider engagement",
            part=ENGAGEMENT,
            prompt=PROVIDER_ENGAGEMENT_PROMPT,
            questions=(
                Question(
                    "engagement.providers_trusts",
                    "i)",
                    PROVIDER_ENGAGEMENT_PROMPT,
                    title="NHS Foundation Trusts and NHS Trusts",
                ),
                Question(
                    "engagement.providers_primary",
                    "ii)",
                    PROVIDER_ENGAGEMENT_PROMPT,
                    title="primary care providers",
                ),
                Question(
                    "engagement.providers_social",
                    "iii)",
                    PROVIDER_ENGAGEMENT_PROMPT,
                    title="social care and providers from the voluntary and community sector",
                ),
            ),
        ),
        Section(
            "acute-implications",
            "8 c)",
            "Implications for acute providers",
            part=ENGAGEMENT,
            questions=(
                Question(
                    "engagement.acute_implications",
                    "",
                    "Please clearly quantify the impact on NHS acute service delivery targets. The details of this "
                    "response must be developed with the relevant NHS providers, and include:",
                    points=(
                        "What is the impact of the proposed BCF schemes on activity, income and spending for local "
                        "acute providers?",
                        "Are local providers' plans for 2015/16 consistent with the BCF plan set out here?",
                    ),
                ),
            ),
        ),
        Section("providers", "Annex 2", "Provider commentary", PROVIDERS, ANNEX2),
    ),
)
