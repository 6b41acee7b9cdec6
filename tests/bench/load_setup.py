"""Data for the load benchmark: plans, editors (two per plan, so saves really collide) and reviewers.

Run in its own process with DATABASE_URL pointing at the benchmark database."""

import json
import os
import sys

import django


def main(editors, reviewers):
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
            doc = demo_document("rutland")
            doc["hwb"]["name"] = name
            doc["hwb"]["local_authority"] = f"Bench {n:03d} Council"
            plan = import_plan(doc)
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
    main(int(sys.argv[1]), int(sys.argv[2]))
