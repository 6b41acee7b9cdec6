"""Word in and out (DOMAIN.md §11, §8): start a draft plan from a Word document, hand the Board a Word copy.

`reader` turns a .docx, .txt or .md file into blocks (paragraphs and tables), refusing unsafe or
oversized files; `importer` finds the edition's prompts and headings in the blocks and builds a
`bcf-plan/1` document that the existing importer (`plans.content.plan_json.import_plan`) stores; `exporter`
writes Part 1 as an editable .docx from the one view-model of a plan.
"""
