"""After the load run: every successful save is in the plan's history, and each plan's answer is
the last save recorded. Reads the driver's saves as JSON on stdin; prints a JSON summary."""

import json
import os
import sys

import django


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bcf.settings")
    django.setup()
    from plans.models import Answer, ChangeRecord

    saves = json.load(sys.stdin)
    succeeded = [(plan, text) for plan, text, status in saves if status == 302]
    refused = sum(1 for _, _, status in saves if status == 400)
    lost, wrong_final = [], []
    for plan in {p for p, _ in succeeded}:
        recorded = list(
            ChangeRecord.objects.filter(plan_id=plan, field="action.oversight.text")
            .order_by("at", "pk")
            .values_list("new", flat=True)
        )
        mine = [text for p, text in succeeded if p == plan]
        lost.extend(text for text in mine if text not in recorded)
        final = Answer.objects.get(plan_id=plan, key="action.oversight").text
        if recorded and final != recorded[-1]:
            wrong_final.append(plan)
    json.dump(
        {
            "attempted": len(saves),
            "succeeded": len(succeeded),
            "refused_stale": refused,
            "lost": len(lost),
            "plans_with_wrong_final_text": len(wrong_final),
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
