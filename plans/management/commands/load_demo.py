"""Load the demo plans (fixtures/demo/*.json, through the same importer as import_plan) and the demo
accounts for every role. Idempotent: a plan already loaded for its HWB and round is left alone."""

import json
import re
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from plans.content.plan_json import import_plan
from plans.models import CCG, AreaTeam, HealthAndWellbeingBoard, Plan, Role, RoleAssignment
from plans.returns.demo import load_demo_returns

DEMO_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo"


def _email_for(name, organisation):
    person = re.sub(r"^(councillor|cllr|dr|mr|mrs|ms|prof)\.?\s+", "", name.strip(), flags=re.I)
    local = re.sub(r"[^a-z]+", ".", person.lower()).strip(".")
    domain = re.sub(
        r"[^a-z]+",
        "",
        re.sub(
            r"\b(nhs|ccg|council|county|borough|health|and|wellbeing|board|clinical|commissioning|group)\b",
            "",
            organisation.lower(),
        ),
    )
    return f"{local}@{domain or 'demo'}.example.org"


class Command(BaseCommand):
    help = "Load the three demo plans and the demo accounts (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--returns",
            action="store_true",
            help="Also store the plans as submitted and approved, with a year of quarterly returns each "
            "(fixtures/demo/returns.json; figures illustrative)",
        )

    def handle(self, *args, **options):
        config = json.loads((DEMO_DIR / "accounts.json").read_text())
        self.password = config["password"]
        self.accounts = []
        self._signatories = {}
        with transaction.atomic():
            for entry in config["plans"]:
                self._load_plan(entry)
            for reviewer in config["reviewers"]:
                area, _ = AreaTeam.objects.get_or_create(name=reviewer["area_team"])
                user = self._user(reviewer["email"], reviewer["name"])
                self._role(user, Role.REVIEWER, area_team=area)
            for person in config["national"]:
                self._role(self._user(person["email"], person["name"]), Role.NATIONAL)
            for person in config["admins"]:
                user = self._user(person["email"], person["name"], admin=True)
                self.accounts.append((user.email, "Administrator", "Django admin"))
        if options["returns"]:
            load_demo_returns(self.password, log=self.stdout.write)
            for assignment in RoleAssignment.objects.filter(role=Role.RETURN_SIGNATORY).select_related("user", "hwb"):
                self.accounts.append((assignment.user.email, assignment.get_role_display(), str(assignment.hwb)))
        width = max(len(a[0]) for a in self.accounts)
        self.stdout.write(f"Demo accounts (password for all: {self.password}):")
        for email, role, scope in self.accounts:
            self.stdout.write(f"  {email:<{width}}  {role} – {scope}")

    def _load_plan(self, entry):
        doc = json.loads((DEMO_DIR / entry["file"]).read_text())
        hwb_name = doc["hwb"]["name"]
        plan = Plan.objects.filter(hwb__name=hwb_name, round=doc["round"]).order_by("-version").first()
        if plan is None:
            plan = import_plan(doc)
            self.stdout.write(f"Loaded {entry['file']} as plan {plan.pk}")
        else:
            self.stdout.write(f"{hwb_name} ({doc['round']}) is already loaded as plan {plan.pk}")
        hwb = HealthAndWellbeingBoard.objects.get(name=hwb_name)
        area, _ = AreaTeam.objects.get_or_create(name=entry["area_team"])
        if hwb.area_team_id != area.pk:
            hwb.area_team = area
            hwb.save(update_fields=["area_team"])
        for editor in entry["editors"]:
            user = self._user(editor["email"], editor["name"])
            self._role(user, Role.EDITOR, hwb=hwb, position=editor.get("position", ""))
        for signature in doc.get("signatures", []):
            name = signature.get("by", "").strip()
            if signature["kind"] == "hwb":
                chair = entry.get("chair") if not name else None
                email = chair["email"] if chair else _email_for(name, hwb.local_authority.name)
                user = self._user(email, chair["name"] if chair else name)
                self._role(
                    user,
                    Role.CHAIR,
                    hwb=hwb,
                    position=signature.get("position") or "Chair of Health and Wellbeing Board",
                )
                continue
            if not name:
                continue
            # One person may sign for two CCGs (Nottinghamshire: Amanda Sullivan): one account, two roles.
            user = self._signatories.get((hwb.pk, name)) or self._user(
                _email_for(name, signature["on_behalf_of"]), name
            )
            self._signatories[(hwb.pk, name)] = user
            ccg = CCG.objects.get(name=signature["on_behalf_of"]) if signature["kind"] == "ccg" else None
            self._role(user, Role.SIGNATORY, hwb=hwb, ccg=ccg, position=signature.get("position", ""))

    def _user(self, email, name, admin=False):
        User = get_user_model()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            first, _, last = name.partition(" ")
            user = User.objects.create_user(
                username=email.lower(),
                email=email.lower(),
                password=self.password,
                first_name=first[:150],
                last_name=last[:150],
            )
        if admin and not user.is_superuser:
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        return user

    def _role(self, user, role, hwb=None, area_team=None, ccg=None, position=""):
        assignment, created = RoleAssignment.objects.get_or_create(
            user=user, role=role, hwb=hwb, area_team=area_team, ccg=ccg, defaults={"position": position}
        )
        scope = (
            (ccg.name if ccg else (hwb.local_authority.name if role == Role.SIGNATORY else None))
            or hwb
            or area_team
            or "England"
        )
        self.accounts.append(
            (
                user.email,
                assignment.get_role_display(),
                f"{scope}" + (f" ({hwb})" if ccg or role == Role.SIGNATORY else ""),
            )
        )
