"""Create a DRAFT plan from a Word draft (.docx, .txt or .md) and print its id on the last line."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bcf.core.imports import PlanImportError
from plans.editions import EDITION_CHOICES
from plans.word.importer import parse_document
from plans.word.reader import DocumentError, read_upload
from plans.word.services import document_import


class Command(BaseCommand):
    help = (
        "Create a draft plan from a Word draft (.docx) or its text (.txt, .md) of a template edition "
        "(DOMAIN.md §11); lists what could not be placed and prints the new plan's id last."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to the .docx, .txt or .md file")
        parser.add_argument("--edition", required=True, choices=[code for code, _ in EDITION_CHOICES])
        parser.add_argument("--hwb", help="The Health and Wellbeing Board's name (default: as the document gives it)")
        parser.add_argument("--round", help="Submission round (default: the edition's last round)")

    def handle(self, *args, file, edition, hwb, round, **options):
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from None
        try:
            blocks = read_upload(path.name, data)
            draft = parse_document(blocks, edition, round=round, filename=path.name)
            plan = document_import(draft=draft, hwb_name=hwb, round=round)
        except (DocumentError, PlanImportError) as exc:
            raise CommandError(f"{path.name}: {exc}") from None
        placed = [item for item in draft.items if item.target]
        questions = {item.target for item in placed}
        self.stdout.write(
            f"Placed {len(placed)} passages in {len(questions)} questions; read {len(draft.risks)} risks and "
            f"{len(draft.related_documents)} related documents"
        )
        if draft.unplaced:
            self.stdout.write(f"Not placed ({len(draft.unplaced)}), left out of the plan:")
            for item in draft.unplaced:
                first_line = " ".join(item.text.split())[:100]
                note = f" ({item.note})" if item.note else ""
                self.stdout.write(f"  - under {item.found_under}{note}: {first_line}")
        self.stdout.write(f"Imported {plan.hwb.name} ({plan.edition}, {plan.round}) as a draft")
        self.stdout.write(str(plan.pk))
