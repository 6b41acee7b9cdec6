"""The Word importer on the real plans: per plan, the share of the demo fixture's answer sentences
placed in the right question, the summary fields right (and the four budgets), and the time taken.

seed     the seed plan's extracted text as a .docx (a paragraph per line, tab-separated lines as tables)
officer  the demo fixture written as an officer's Word draft (reworded headings, prompts in boxes)
copy     the demo plan's own Word export, imported back
Figures are printed, never asserted here (tests/plans/word/test_word_measure.py asserts them). No
database is needed: the document is parsed into the bcf-plan/1 document the importer would store.
"""

import time


def _row(kind, name, truth, data, filename):
    from plans.word.importer import draft_document, parse_document
    from plans.word.reader import read_upload
    from tests.plans.word import measure

    start = time.perf_counter()
    draft = parse_document(read_upload(filename, data), truth["edition"])
    doc = draft_document(draft, hwb_name=truth["hwb"]["name"])
    seconds = time.perf_counter() - start
    placed, total, _ = measure.placement(truth, doc)
    fields = measure.summary_fields(truth, doc)
    fields.pop("ccg_names_exact")
    budgets = [v for k, v in fields.items() if "pooled_budget" in k]
    print(
        f"{kind:8} {name:16} placed {placed:4}/{total:<4} {placed / total:6.1%}   "
        f"summary {sum(fields.values())}/{len(fields)}   budgets {sum(budgets)}/{len(budgets)}   "
        f"risks {len(doc['risks']):2}/{len(truth['risks']):<2}   unplaced {len(draft.unplaced):3}   "
        f"{seconds * 1000:6.0f} ms"
    )
    return placed, total


def _word_copy(truth):
    """The demo plan's Word export, built from an in-memory SQLite copy of the plan."""
    from plans.content.plan_json import import_plan
    from plans.word.exporter import plan_docx_bytes

    return plan_docx_bytes(import_plan(truth))


def main():
    from django.db import connection

    from tests.plans.word import measure

    totals = [0, 0]
    for name, (filename, _) in measure.PLANS.items():
        truth = measure.fixture(name)
        for kind, data in (("seed", measure.seed_docx(name)), ("officer", measure.officer_docx(truth))):
            placed, total = _row(kind, name, truth, data, filename.replace(".txt", ".docx"))
            if kind == "seed":
                totals[0] += placed
                totals[1] += total
    print(f"seed plans overall: {totals[0]}/{totals[1]} = {totals[0] / totals[1]:.1%} of answer sentences placed")
    if connection.vendor == "sqlite" and not _has_tables():
        print("copy     (skipped: no migrated database; run the tests for the Word copy round trip)")
        return
    from django.db import transaction

    for name in measure.PLANS:
        truth = measure.fixture(name)
        with transaction.atomic():
            _row("copy", name, truth, _word_copy(truth), f"{name}.docx")
            transaction.set_rollback(True)  # leave the benchmark database as it was


def _has_tables():
    from django.db import connection

    return "plans_plan" in connection.introspection.table_names()
