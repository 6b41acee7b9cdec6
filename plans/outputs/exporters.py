"""The renderer of each file a plan is written to: JSON (bcf-plan/1), the Part 1 PDF and its Word
copy, and the Part 2 workbook. Each takes a Plan and returns str or bytes; `export_plan` and
submission (for the kinds it stores, workflow.FILE_TYPES) both read this."""

from importlib import import_module

EXPORTERS = {
    "json": "plans.content.plan_json:export_json",
    "pdf": "plans.outputs.pdf:plan_pdf_bytes",
    "xlsx": "plans.outputs.workbook:workbook_bytes",
    "docx": "plans.word.exporter:plan_docx_bytes",
}


def exporter_for(kind):
    """The renderer of a file kind, or None while its module has not been written yet."""
    module_name, _, function = EXPORTERS[kind].partition(":")
    try:
        module = import_module(module_name)
    except ModuleNotFoundError as exc:
        # Only the renderer's own module (or its package) being absent means "not built yet"; a
        # renderer that exists but cannot import what it needs is a fault and must surface.
        if exc.name and (module_name == exc.name or module_name.startswith(exc.name + ".")):
            return None
        raise
    return getattr(module, function, None)
