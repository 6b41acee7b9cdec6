"""Reads, always scoped to the user: a plan the user holds no role for is not found (404)."""

from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Prefetch

from metrics.selectors import part2_view
from plans.content.document import content_hash
from plans.models import (
    Answer,
    ChangeRecord,
    Plan,
    PlanCCG,
    PlanningUnit,
    RelatedDocument,
    Risk,
    Signature,
    SignatureKind,
)
from schemes.models import Milestone, Scheme


def plan_with_everything(plan_id):
    """The plan with every table it shows prefetched: query count independent of the number of rows."""
    return (
        Plan.objects.select_related("hwb__local_authority", "hwb__area_team")
        .prefetch_related(
            Prefetch("ccg_links", queryset=PlanCCG.objects.select_related("ccg")),
            Prefetch("planning_units", queryset=PlanningUnit.objects.prefetch_related("ccgs")),
            Prefetch("answers", queryset=Answer.objects.all()),
            Prefetch("documents", queryset=RelatedDocument.objects.all()),
            Prefetch("risks", queryset=Risk.objects.all()),
            Prefetch("schemes", queryset=Scheme.objects.select_related("planning_unit")),
            Prefetch("milestones", queryset=Milestone.objects.all()),
            "provider_commentaries__provider",
        )
        .get(pk=plan_id)
    )


@dataclass
class PlanView:
    """One view-model of a plan, used by the task list, the check page, the PDF and the JSON."""

    plan: Plan
    edition: object
    answers: dict
    ccgs: list
    planning_units: list
    documents: list
    images: dict  # question key -> [RelatedDocument]
    risks: list
    schemes: list
    milestones: list
    provider_commentaries: list
    part2: object = None  # metrics.selectors.part2_view
    extra: dict = field(default_factory=dict)

    def answer(self, key):
        return self.answers.get(key)

    @cached_property
    def content_hash(self):
        return content_hash(self)

    @cached_property
    def signatures(self):
        """The sign-off blocks in template order: each CCG, the council, the HWB (see SignatureBlock)."""
        return signature_blocks(self)


@dataclass(frozen=True)
class SignatureBlock:
    """One sign-off block of 1 b): who signed for the organisation, and whether that still holds."""

    kind: str  # "ccg" | "council" | "hwb"
    on_behalf_of: str
    key: str  # "ccg:<id>", "council" or "hwb": what a signatory picks when signing
    by: str = ""
    position: str = ""
    signed_at: object = None  # datetime or None
    valid: bool = False  # signed, and the plan's content still has the hash that was signed
    signature: object = None  # the Signature, when signed

    @property
    def signed(self):
        return self.signed_at is not None

    @property
    def invalid(self):
        """Signed, but the plan changed afterwards: the signature no longer holds."""
        return self.signed and not self.valid


def signature_blocks(view):
    plan = view.plan
    active = {s.organisation_key: s for s in Signature.objects.filter(plan=plan, voided_at__isnull=True)}
    current_hash = view.content_hash if active else None
    organisations = [(SignatureKind.CCG, c.name, f"ccg:{c.pk}") for c in view.ccgs]
    organisations.append((SignatureKind.COUNCIL, plan.hwb.local_authority.name, SignatureKind.COUNCIL.value))
    organisations.append((SignatureKind.HWB, plan.hwb.name, SignatureKind.HWB.value))
    blocks = []
    for kind, name, key in organisations:
        signature = active.get(key)
        if signature is None:
            blocks.append(SignatureBlock(kind=kind.value, on_behalf_of=name, key=key))
            continue
        blocks.append(
            SignatureBlock(
                kind=kind.value,
                on_behalf_of=signature.on_behalf_of,
                key=key,
                by=signature.name,
                position=signature.position,
                signed_at=signature.signed_at,
                valid=signature.content_hash == current_hash,
                signature=signature,
            )
        )
    return blocks


def plan_view(plan_or_id):
    plan_id = plan_or_id.pk if isinstance(plan_or_id, Plan) else plan_or_id
    plan = plan_with_everything(plan_id)
    documents = list(plan.documents.all())
    images = {}
    for doc in documents:
        if doc.question_key:
            images.setdefault(doc.question_key, []).append(doc)
    return PlanView(
        plan=plan,
        edition=plan.edition_def,
        answers={a.key: a for a in plan.answers.all()},
        ccgs=plan.ordered_ccgs(),
        planning_units=list(plan.planning_units.all()),
        documents=[d for d in documents if not d.question_key],
        images=images,
        risks=list(plan.risks.all()),
        schemes=list(plan.schemes.all()),
        milestones=list(plan.milestones.all()),
        provider_commentaries=list(plan.provider_commentaries.all()),
        part2=part2_view(plan),
    )


def plan_history(plan):
    return ChangeRecord.objects.filter(plan=plan).select_related("user")


@dataclass
class SectionView:
    """What one section page needs: its answers and images (and schemes under 2 c), nothing else."""

    plan: Plan
    answers: dict
    images: dict
    schemes: list
    planning_units: list


def section_view(plan, section):
    keys = [q.key for q in section.questions]
    images = {}
    for doc in RelatedDocument.objects.filter(plan=plan, question_key__in=keys):
        images.setdefault(doc.question_key, []).append(doc)
    with_schemes = "schemes" in section.tables
    return SectionView(
        plan=plan,
        answers={a.key: a for a in Answer.objects.filter(plan=plan, key__in=keys)},
        images=images,
        schemes=list(plan.schemes.select_related("planning_unit")) if with_schemes else [],
        planning_units=list(plan.planning_units.all()) if with_schemes else [],
    )
