"""Reads, always scoped to the user: a plan the user holds no role for is not found (404)."""

from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Prefetch, Q
from django.http import Http404

from metrics.selectors import part2_view
from plans.models import (
    Answer,
    ChangeRecord,
    Plan,
    PlanCCG,
    PlanningUnit,
    PlanStatus,
    RelatedDocument,
    Risk,
    Role,
    RoleAssignment,
    Signature,
    SignatureKind,
)
from schemes.models import Milestone, Scheme

VISIBLE_TO_NATIONAL = [PlanStatus.SUBMITTED, PlanStatus.RETURNED, PlanStatus.ASSURED]


def roles_for_user(user):
    """The user's role assignments, read once per user object (a request's `request.user`): a page
    asks for them for its plan lookup, the user's roles on the plan and the menu."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_role_assignments", None)
    if cached is None:
        cached = list(RoleAssignment.objects.filter(user=user))
        user._role_assignments = cached
    return cached


def plans_for_user(user):
    """Every plan the user may read: their HWBs', their area teams', and (national) submitted ones."""
    if not user.is_authenticated or not user.is_active:
        return Plan.objects.none()
    if user.is_superuser:
        return Plan.objects.all()
    roles = roles_for_user(user)
    condition = Q(pk__in=[])
    hwb_ids = {r.hwb_id for r in roles if r.role in (Role.EDITOR, Role.SIGNATORY, Role.CHAIR)}
    if hwb_ids:
        condition |= Q(hwb_id__in=hwb_ids)
    area_ids = {r.area_team_id for r in roles if r.role == Role.REVIEWER}
    if area_ids:
        condition |= Q(hwb__area_team_id__in=area_ids)
    if any(r.role == Role.NATIONAL for r in roles):
        condition |= Q(status__in=VISIBLE_TO_NATIONAL)
    return Plan.objects.filter(condition)


def plan_for_user(user, plan_id, related=("hwb__local_authority", "hwb__area_team")):
    """The plan if the user may read it, else 404. `related`: what to join (the task list needs only the HWB)."""
    try:
        return plans_for_user(user).select_related(*related).get(pk=plan_id)
    except (Plan.DoesNotExist, ValueError, TypeError):
        raise Http404("No such plan") from None


def user_roles_for_plan(user, plan):
    if user.is_superuser:
        return set(Role.values)
    roles = set()
    for r in roles_for_user(user):
        on_this_hwb = r.role in (Role.EDITOR, Role.SIGNATORY, Role.CHAIR) and r.hwb_id == plan.hwb_id
        in_this_area = r.role == Role.REVIEWER and r.area_team_id == plan.hwb.area_team_id
        if on_this_hwb or in_this_area or r.role == Role.NATIONAL:
            roles.add(r.role)
    return roles


def user_can_edit(user, plan):
    return plan.is_editable and (Role.EDITOR in user_roles_for_plan(user, plan))


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
        from plans.content.plan_json import content_hash

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
