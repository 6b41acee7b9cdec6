"""Data for the load benchmark: plans, editors (two per plan, so saves really collide) and reviewers.

Run in its own process with DATABASE_URL pointing at the benchmark database."""

import json
import os
import sys

import django


def renamed(doc, name, local_authority):
    """The document for another Board: its name and council changed, Part 2's rows following."""
    old = doc["hwb"]["local_authority"]
    doc["hwb"]["name"], doc["hwb"]["local_authority"] = name, local_authority
    for row in (doc.get("part2") or {}).get("funding", []):
        if row.get("organisation") == old:
            row["organisation"] = local_authority
    return doc


def signed_off_plan(n, signatory, User):
    """A copy of the Nottinghamshire demo plan (no check errors), signed off through the services."""
    from plans.content.plan_json import import_plan
    from plans.models import HealthAndWellbeingBoard, Plan, Role, RoleAssignment
    from plans.workflow import services as workflow
    from tests.conftest import demo_document

    name = f"Bench submit {n:03d} Health and Wellbeing Board"
    plan = Plan.objects.filter(hwb__name=name, is_current=True).first()
    if plan is not None:
        return plan
    plan = import_plan(renamed(demo_document("nottinghamshire"), name, f"Bench submit {n:03d} Council"))
    HealthAndWellbeingBoard.objects.filter(pk=plan.hwb_id).update(area_team=None)
    for ccg in plan.ordered_ccgs():
        RoleAssignment.objects.create(user=signatory, role=Role.SIGNATORY, hwb=plan.hwb, ccg=ccg, position="Officer")
    RoleAssignment.objects.create(user=signatory, role=Role.SIGNATORY, hwb=plan.hwb, position="Director")
    RoleAssignment.objects.create(user=signatory, role=Role.CHAIR, hwb=plan.hwb)
    editor = User.objects.get(email="bench-setup@bench.example.org")
    RoleAssignment.objects.get_or_create(user=editor, role=Role.EDITOR, hwb=plan.hwb)
    plan = workflow.plan_mark_ready(plan=plan, user=editor)
    keys = [o.key for o in workflow.organisations_for(signatory, plan)]
    plan = workflow.plan_sign(plan=plan, user=signatory, organisations=[k for k in keys if k != "hwb"])
    return workflow.plan_sign(plan=plan, user=signatory, organisations=["hwb"])


def main(editors, reviewers, submitters=0, plans_each=3):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bcf.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from plans.content.plan_json import import_plan
    from plans.models import AreaTeam, HealthAndWellbeingBoard, Plan, Role, RoleAssignment
    from tests.conftest import demo_document

    call_command("migrate", verbosity=0)
    User = get_user_model()
    area, _ = AreaTeam.objects.get_or_create(name="Bench Area Team")
    plans = []
    for n in range((editors + 1) // 2):
        name = f"Bench {n:03d} Health and Wellbeing Board"
        plan = Plan.objects.filter(hwb__name=name, is_current=True).first()
        if plan is None:
            plan = import_plan(renamed(demo_document("rutland"), name, f"Bench {n:03d} Council"))
            HealthAndWellbeingBoard.objects.filter(pk=plan.hwb_id).update(area_team=area)
        plans.append(plan)
    users = []

    def user(email, role, **scope):
        account = User.objects.filter(email=email).first()
        if account is None:
            account = User.objects.create_user(username=email, email=email, password="bench-password-2014")
        RoleAssignment.objects.get_or_create(user=account, role=role, **scope)
        return email

    for n in range(editors):
        plan = plans[n // 2]
        users.append(
            {
                "kind": "editor",
                "email": user(f"editor{n:03d}@bench.example.org", Role.EDITOR, hwb=plan.hwb),
                "plan": plan.pk,
            }
        )
    if submitters:
        signatory = User.objects.filter(email="bench-signatory@bench.example.org").first() or User.objects.create_user(
            username="bench-signatory@bench.example.org", email="bench-signatory@bench.example.org", first_name="Sig"
        )
        if not User.objects.filter(email="bench-setup@bench.example.org").exists():
            User.objects.create_user(username="bench-setup@bench.example.org", email="bench-setup@bench.example.org")
    for n in range(submitters):
        own = [signed_off_plan(n * plans_each + i, signatory, User) for i in range(plans_each)]
        email = f"submitter{n:03d}@bench.example.org"
        for plan in own:
            user(email, Role.EDITOR, hwb=plan.hwb)
        users.append({"kind": "submitter", "email": email, "plans": [p.pk for p in own if p.status == "SIGNED_OFF"]})
    for n in range(reviewers):
        users.append(
            {
                "kind": "reviewer",
                "email": user(f"reviewer{n:03d}@bench.example.org", Role.REVIEWER, area_team=area),
                "plan": plans[n % len(plans)].pk,
            }
        )
    json.dump(users, sys.stdout)


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:]))
