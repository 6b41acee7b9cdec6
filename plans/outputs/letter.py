"""The assurance outcome letter: one page a Board can file with its board papers, naming the plan
version, its version reference (the SHA-256 of the content submitted), the outcome, the conditions,
the area team's comment and the reviewer. Rendered with WeasyPrint, with the Part 1 PDF's fonts."""

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from plans.models import AssuranceOutcome, Submission
from plans.outputs.pdf import ORIGIN, pdf_url_fetcher, static_url


def letter_context(plan):
    assurance = AssuranceOutcome.objects.select_related("plan__hwb__area_team").get(plan=plan)
    submission = Submission.objects.filter(plan=plan).first()
    return {
        "plan": plan,
        "hwb": plan.hwb,
        "area_team": plan.hwb.area_team,
        "assurance": assurance,
        "submission": submission,
        "reference": submission.content_hash if submission else "",
        "stylesheet": static_url("pdf/letter.css"),
        "today": timezone.localdate(),
    }


def letter_html(plan):
    return render_to_string("pdf/outcome_letter.html", letter_context(plan))


def letter_pdf(plan):
    from weasyprint import HTML  # slow to import: only when a letter is made

    return HTML(string=letter_html(plan), base_url=f"{ORIGIN}/", url_fetcher=pdf_url_fetcher()).write_pdf()


def letter_filename(plan):
    return f"bcf-outcome-{slugify(plan.hwb.name)}-{plan.round}-v{plan.version}.pdf"
