"""factory_boy factories: one per model, with a trait per workflow state where it matters."""

import factory
from django.contrib.auth import get_user_model

from plans.models import (
    CCG,
    AreaTeam,
    HealthAndWellbeingBoard,
    LocalAuthority,
    Plan,
    PlanCCG,
    PlanStatus,
    Risk,
    Role,
    RoleAssignment,
    Signature,
    SignatureKind,
)
from schemes.models import Milestone, Scheme

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    username = factory.SelfAttribute("email")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


class AreaTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AreaTeam

    name = factory.Sequence(lambda n: f"NHS England Area Team {n}")


class LocalAuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalAuthority

    name = factory.Sequence(lambda n: f"Borough Council {n}")


class CCGFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CCG

    name = factory.Sequence(lambda n: f"NHS Example {n} CCG")


class HWBFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HealthAndWellbeingBoard

    name = factory.Sequence(lambda n: f"Example {n} Health and Wellbeing Board")
    local_authority = factory.SubFactory(LocalAuthorityFactory)
    area_team = factory.SubFactory(AreaTeamFactory)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan
        skip_postgeneration_save = True

    hwb = factory.SubFactory(HWBFactory)
    edition = "2014-09"
    round = "revised"
    status = PlanStatus.DRAFT

    class Params:
        original = factory.Trait(edition="2014-04", round="final")
        awaiting_sign_off = factory.Trait(status=PlanStatus.AWAITING_SIGN_OFF)
        submitted = factory.Trait(status=PlanStatus.SUBMITTED)

    @factory.post_generation
    def ccgs(self, create, extracted, **kwargs):
        if not create:
            return
        for position, ccg in enumerate(extracted or [CCGFactory()]):
            PlanCCG.objects.create(plan=self, ccg=ccg, position=position)


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = Role.EDITOR
    hwb = None
    area_team = None


def editor_for(plan, **kwargs):
    return RoleFactory(role=Role.EDITOR, hwb=plan.hwb, **kwargs).user


class SchemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scheme

    plan = factory.SubFactory(PlanFactory)
    ref = factory.Sequence(lambda n: f"S{n}")
    name = factory.Sequence(lambda n: f"Scheme {n}")
    position = factory.Sequence(lambda n: n)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    task = "Develop service specification"


class RiskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Risk

    plan = factory.SubFactory(PlanFactory)
    risk = "Partners cannot meet their contributions"
    mitigation = "Monthly finance review"
    likelihood = 3
    impact = 4


# --- workflow states (plans/workflow.py) ----------------------------------------------------------


def signatory_for(plan, ccg=None, **kwargs):
    """A signatory of the plan's HWB: for `ccg`, or for the council when no CCG is given."""
    kwargs.setdefault("position", "Chief Officer" if ccg else "Chief Executive")
    return RoleFactory(role=Role.SIGNATORY, hwb=plan.hwb, ccg=ccg, **kwargs).user


def chair_for(plan, **kwargs):
    kwargs.setdefault("position", "Chair of Health and Wellbeing Board")
    return RoleFactory(role=Role.CHAIR, hwb=plan.hwb, **kwargs).user


def _sign(plan, kind, name, ccg=None):
    from django.utils import timezone

    from plans.content.selectors import plan_view

    user = chair_for(plan) if kind == "hwb" else signatory_for(plan, ccg=ccg)
    return Signature.objects.create(
        plan=plan,
        kind=kind,
        ccg=ccg,
        on_behalf_of=name,
        user=user,
        name=user.get_full_name(),
        position="Chief Officer",
        signed_at=timezone.now(),
        content_hash=plan_view(plan).content_hash,
    )


class AwaitingSignOffPlanFactory(PlanFactory):
    """A plan marked ready, with a signatory for each CCG and the council and a chair, none signed."""

    status = PlanStatus.AWAITING_SIGN_OFF

    @factory.post_generation
    def people(self, create, extracted, **kwargs):
        if not create:
            return
        for ccg in self.ordered_ccgs():
            signatory_for(self, ccg=ccg)
        signatory_for(self)
        chair_for(self)


class SignedOffPlanFactory(PlanFactory):
    """A plan signed by every CCG, the council and (last) the chair, each signature bound to its content."""

    status = PlanStatus.SIGNED_OFF

    @factory.post_generation
    def signatures(self, create, extracted, **kwargs):
        if not create:
            return
        for ccg in self.ordered_ccgs():
            _sign(self, SignatureKind.CCG, ccg.name, ccg=ccg)
        _sign(self, SignatureKind.COUNCIL, self.hwb.local_authority.name)
        _sign(self, SignatureKind.HWB, self.hwb.name)


# --- review and the national dashboard: many submitted plans at once ------------------------------


def bulk_submitted_plans(area_team, count, *, prefix="Generated", status=PlanStatus.SUBMITTED, figures=None):
    """`count` HWBs of `area_team`, each with a current plan in `status` that has a Submission, a
    stored JSON file, its check counts, two funding rows and a P4P metric, made with bulk_create (the
    size of England in a second). `figures(i)` may give {"funding": (a, b), "baseline": [..4],
    "plan": [..4]}. Returns the plans."""
    import hashlib
    from decimal import Decimal

    from django.utils import timezone

    from metrics.models import FundingRow, P4PMetric
    from plans.models import Submission, SubmissionCheck, SubmissionFile

    figures = figures or (
        lambda i: {
            "funding": (Decimal(1_000_000 + i), Decimal(2_000_000 + i)),
            "baseline": [1000, 1000, 1000, 1000],
            "plan": [990 - i % 50, 980, 970, 960],
        }
    )
    now = timezone.now()
    las = LocalAuthority.objects.bulk_create(LocalAuthority(name=f"{prefix} Council {i:03d}") for i in range(count))
    hwbs = HealthAndWellbeingBoard.objects.bulk_create(
        HealthAndWellbeingBoard(name=f"{prefix} {i:03d} HWB", local_authority=la, area_team=area_team)
        for i, la in enumerate(las)
    )
    plans = Plan.objects.bulk_create(
        Plan(hwb=hwb, edition="2014-09", round="revised", status=status, date_submitted=now) for hwb in hwbs
    )
    submissions = Submission.objects.bulk_create(
        Submission(
            plan=plan,
            version=1,
            edition=plan.edition,
            round=plan.round,
            submitted_at=now,
            submitted_by_name="Generated Editor",
            is_late=i % 7 == 0,
            content_hash="0" * 64,
        )
        for i, plan in enumerate(plans)
    )
    SubmissionCheck.objects.bulk_create(
        SubmissionCheck(submission=s, errors=0, warnings=i % 3, content_hash="0" * 64, checked_at=now)
        for i, s in enumerate(submissions)
    )
    files = []
    for s, plan in zip(submissions, plans):
        content = f'{{"hwb": "{plan.hwb.name}"}}'.encode()
        files.append(
            SubmissionFile(
                submission=s,
                kind="json",
                filename=f"generated-{plan.pk}.json",
                content_type="application/json",
                content=content,
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                created_at=now,
            )
        )
    SubmissionFile.objects.bulk_create(files)
    funding, p4p = [], []
    for i, plan in enumerate(plans):
        f = figures(i)
        first, second = f["funding"]
        funding.append(
            FundingRow(
                plan=plan,
                position=0,
                organisation="Council",
                kind="revenue",
                amount_2014_15=first,
                amount_2015_16=second,
            )
        )
        funding.append(
            FundingRow(
                plan=plan,
                position=1,
                organisation="CCG",
                kind="revenue",
                amount_2014_15=Decimal(10),
                amount_2015_16=Decimal(20),
            )
        )
        b, p = f["baseline"], f["plan"]
        p4p.append(
            P4PMetric(
                plan=plan,
                population=100_000,
                baseline_q1=b[0],
                baseline_q2=b[1],
                baseline_q3=b[2],
                baseline_q4=b[3],
                plan_q1=p[0],
                plan_q2=p[1],
                plan_q3=p[2],
                plan_q4=p[3],
            )
        )
    FundingRow.objects.bulk_create(funding)
    P4PMetric.objects.bulk_create(p4p)
    return plans
