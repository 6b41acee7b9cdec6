"""Store a parsed Word draft as a new DRAFT plan, through the one `bcf-plan/1` importer."""

from django.db import transaction

from ..models import HealthAndWellbeingBoard
from ..plan_json import import_plan
from ..services import record
from .importer import draft_document


@transaction.atomic
def document_import(*, draft, user=None, hwb_name=None, assignments=None, round=None):
    """Create the plan; an existing Board keeps its own local authority whatever the document says.

    Raises plans.word.reader.DocumentError or plans.plan_json.PlanImportError and creates nothing."""
    name = hwb_name or draft.hwb_name or draft.preamble_hwb
    existing = HealthAndWellbeingBoard.objects.select_related("local_authority").filter(name=name).first()
    doc = draft_document(
        draft,
        hwb_name=name,
        local_authority=existing.local_authority.name if existing else None,
        assignments=assignments,
        round=round,
    )
    plan = import_plan(doc, user=user)
    source = draft.filename or "a document"
    record(plan=plan, user=user, section="", field="plan imported from a document", old="", new=source)
    return plan
