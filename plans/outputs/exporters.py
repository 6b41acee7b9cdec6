"""The renderer of each file a plan is written to: JSON (bcf-plan/1), the Part 1 PDF and its Word
copy, and the Part 2 workbook. Each takes a Plan and returns str or bytes; `export_plan` and
the submitted version's file jobs (for the kinds stored, plans.outputs.jobs.FILE_TYPES) read this."""

EXPORTERS = {
    "json": "plans.content.plan_json:export_json",
    "pdf": "plans.outputs.pdf:plan_pdf_bytes",
    "xlsx": "plans.outputs.workbook:workbook_bytes",
    "docx": "plans.word.exporter:plan_docx_bytes",
}
