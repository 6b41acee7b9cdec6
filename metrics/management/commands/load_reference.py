"""Load the Part 2 reference data (fixtures/reference/*.json): per edition its defaults, and per HWB
the minimum pooled budget and the performance-related element.

Idempotent: a row that already exists is kept as it is (an administrator may have corrected it in
the admin) unless --overwrite is given. HWBs and local authorities are created when missing, so the
reference data can be loaded before the plans.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from bcf.core.money import ParseError, parse_money
from metrics.models import ReferenceData
from plans.editing import touch_all
from plans.editions import EDITION_CHOICES
from plans.models import HealthAndWellbeingBoard, LocalAuthority, Plan

REFERENCE_DIR = Path(settings.BASE_DIR) / "fixtures" / "reference"


class Command(BaseCommand):
    help = "Load the Part 2 reference data per HWB and edition from fixtures/reference/*.json (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(REFERENCE_DIR), help="Directory of the reference JSON files")
        parser.add_argument("--overwrite", action="store_true", help="Replace rows that exist with the files' values")

    def handle(self, *args, dir, overwrite, **options):
        files = sorted(Path(dir).glob("*.json"))
        if not files:
            raise CommandError(f"No reference data files in {dir}")
        created = kept = updated = 0
        with transaction.atomic():
            for path in files:
                for hwb, values, edition in self._rows(path):
                    row = ReferenceData.objects.filter(hwb=hwb, edition=edition).first()
                    if row is None:
                        ReferenceData.objects.create(hwb=hwb, edition=edition, **values)
                        created += 1
                    elif overwrite:
                        for name, value in values.items():
                            setattr(row, name, value)
                        row.save()
                        updated += 1
                    else:
                        kept += 1
            if created or updated:
                touch_all(Plan.objects.all())  # their Part 2 checks read the reference data
        self.stdout.write(f"Reference data: {created} created, {updated} updated, {kept} kept as they were")

    def _rows(self, path):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise CommandError(f"{path.name}: cannot read it: {exc}") from None
        edition = doc.get("edition")
        if edition not in dict(EDITION_CHOICES):
            raise CommandError(f"{path.name}: unknown edition {edition!r}")
        defaults = doc.get("defaults", {})
        base = {
            "unit_saving": self._money(path, "defaults.unit_saving", defaults.get("unit_saving", "1490")),
            "baseline_quarters": self._quarters(path, "defaults.baseline_quarters", defaults.get("baseline_quarters")),
            "plan_quarters": self._quarters(path, "defaults.plan_quarters", defaults.get("plan_quarters")),
        }
        yield None, base, edition
        for i, entry in enumerate(doc.get("hwbs", [])):
            where = f"hwbs[{i}]"
            name, la_name = entry.get("hwb"), entry.get("local_authority")
            if not name or not la_name:
                raise CommandError(f"{path.name}: {where}: give the hwb and its local_authority")
            la, _ = LocalAuthority.objects.get_or_create(name=la_name)
            hwb, _ = HealthAndWellbeingBoard.objects.get_or_create(name=name, defaults={"local_authority": la})
            if hwb.local_authority_id != la.pk:
                raise CommandError(f"{path.name}: {where}: {name} belongs to {hwb.local_authority}, not {la_name}")
            minimum = entry.get("minimum_pooled_budget", {})
            yield (
                hwb,
                {
                    **base,
                    "minimum_2014_15": self._money(
                        path, f"{where}.minimum_pooled_budget.2014/15", minimum.get("2014/15")
                    ),
                    "minimum_2015_16": self._money(
                        path, f"{where}.minimum_pooled_budget.2015/16", minimum.get("2015/16")
                    ),
                    "performance_element": self._money(
                        path, f"{where}.performance_element", entry.get("performance_element")
                    ),
                },
                edition,
            )

    def _money(self, path, where, value):
        try:
            return parse_money(value)
        except ParseError as exc:
            raise CommandError(f"{path.name}: {where}: {exc}") from None

    def _quarters(self, path, where, value):
        if not (isinstance(value, list) and len(value) == 4 and all(isinstance(v, str) and v for v in value)):
            raise CommandError(f"{path.name}: {where}: give four quarter labels")
        return value
