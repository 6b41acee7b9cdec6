"""Store a parsed Word draft as a new DRAFT plan, through the one `bcf-plan/1` importer."""

from django.db import transaction

from ..content.plan_json import import_plan
from ..editing import record
from ..models import HealthAndWellbeingBoard, Plan, PlanStatus, Verb
from .importer import draft_document
from .reader import DocumentError


@transaction.atomic
def document_import(*, draft, user=None, hwb_name=None, assignments=None, round=None):
    """Create the plan; an existing Board keeps its own local authority whatever the document says, and
    a plan of the round already in sign-off or submitted is never pushed aside by a new draft.

    Raises plans.word.reader.DocumentError or bcf.core.imports.PlanImportError and creates nothing."""
    name = hwb_name or draft.hwb_name or draft.preamble_hwb
    existing = HealthAndWellbeingBoard.objects.select_related("local_authority").filter(name=name).first()
    round_code = round or draft.round
    current = Plan.objects.filter(hwb=existing, round=round_code, is_current=True).first() if existing else None
    if current is not None and current.status != PlanStatus.DRAFT:
        raise DocumentError(
            f"{existing.name}'s {current.get_round_display().lower()} plan is {current.get_status_display().lower()}: "
            "a new draft would take its place, so none was created. Choose another round, or reopen or resubmit "
            "that plan from its page"
        )
    if existing is not None and not draft.ccgs:
        # The document names no CCG: the Board's latest plan's CCGs, as a new draft of it would have.
        latest = Plan.objects.filter(hwb=existing).order_by("-is_current", "-created_at").first()
        draft.ccgs = [c.name for c in latest.ordered_ccgs()] if latest else []
    if not draft.ccgs:
        raise DocumentError(
            "No Clinical Commissioning Group was found in the document's summary or sign-off: add the summary "
            "table (“Clinical Commissioning Groups”) to the document"
        )
    doc = draft_document(
        draft,
        hwb_name=name,
        local_authority=existing.local_authority.name if existing else None,
        assignments=assignments,
        round=round,
    )
    plan = import_plan(doc, user=user)
    source = draft.filename or "a document"
    record(
        plan=plan,
        user=user,
        section="",
        field="plan imported from a document",
        old="",
        new=source,
        verb=Verb.IMPORTED,
        payload={"source": "document", "filename": source},
    )
    return plan
