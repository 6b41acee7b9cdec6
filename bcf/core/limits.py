"""How much text a plan may hold: one answer as the forms take it, and a whole plan as an import may
bring it (plans/plan_json.py), so no file can bring in a plan the forms could not make."""

LONG_TEXT_MAX = 60_000
PLAN_TEXT_MAX = 2_000_000
