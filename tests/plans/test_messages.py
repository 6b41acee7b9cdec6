"""Error messages an officer can act on (issue 13) and odd input refused on the page (issue 16).

Each message is written as the GOV.UK Design System's error-message guidance says, names the field,
and appears twice on the page: once in the error summary (as a link to the field) and once next to
the field.
"""

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from metrics.models import BenefitRow, MetricFigure
from plans.models import Answer, ChangeRecord, ProviderCommentary, RelatedDocument, Risk
from schemes.models import Milestone
from tests.factories import PlanFactory, RiskFactory, SchemeFactory, editor_for
from tests.plans.content.test_views import png_bytes


def text_of(response):
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def summary_and_field(response):
    """(messages in the error summary, messages next to fields) of a page."""
    page = response.content.decode()
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', page, re.S)
    in_summary = [
        html.unescape(re.sub(r"<[^>]+>", "", m)).strip() for m in re.findall(r"<li>(.*?)</li>", summary[0], re.S)
    ]
    by_fields = [
        html.unescape(m).strip()
        for m in re.findall(
            r'class="govuk-error-message"[^>]*>\s*(?:<span class="govuk-visually-hidden">Error:</span>)?([^<]*)', page
        )
    ]
    return in_summary, by_fields


@pytest.fixture
def editor(client):
    def sign_in(plan):
        client.force_login(editor_for(plan))
        return client

    return sign_in


@pytest.mark.django_db
def test_too_long_text_names_the_question_and_the_limit_once_in_the_summary_and_once_by_the_box(editor):
    plan = PlanFactory(original=True)
    client = editor(plan)
    response = client.post(
        reverse("plans:section", args=[plan.pk, "provider-engagement"]),
        {"revision": 0, "engagement-providers-text": "x" * 65_100},
    )
    assert response.status_code == 400
    message = "Service provider engagement must be 60,000 characters or fewer"
    in_summary, by_fields = summary_and_field(response)
    assert in_summary == [message] and by_fields == [message]
    assert "Ensure this value" not in text_of(response)
    assert not Answer.objects.filter(plan=plan).exists()


@pytest.mark.django_db
def test_an_impossible_date_asks_for_a_real_date(editor):
    plan = PlanFactory()
    client = editor(plan)
    data = {"revision": 0, "date_agreed_at_hwb_0": "31", "date_agreed_at_hwb_1": "2", "date_agreed_at_hwb_2": "2014"}
    response = client.post(reverse("plans:section", args=[plan.pk, "summary"]), data)
    assert response.status_code == 400
    page = text_of(response)
    assert "Enter a real date" in page and "out of range" not in page
    in_summary, _ = summary_and_field(response)
    assert in_summary == ["Enter a real date, for example 17 9 2014"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "day, month, year, message",
    [
        ("1", "1", "99999999999999999999", "The year must be between 1990 and 2100"),
        ("1", "1", "0", "The year must be between 1990 and 2100"),
        ("٣", "1", "2014", "Enter a real date"),
        ("1", "13", "2014", "Enter a real date"),
    ],
)
def test_odd_dates_are_refused_on_the_page_not_with_a_server_error(editor, day, month, year, message):
    plan = PlanFactory()
    client = editor(plan)
    data = {"revision": 0, "date_agreed_at_hwb_0": day, "date_agreed_at_hwb_1": month, "date_agreed_at_hwb_2": year}
    response = client.post(reverse("plans:section", args=[plan.pk, "summary"]), data)
    assert response.status_code == 400 and message in text_of(response)


@pytest.mark.django_db
def test_negative_planned_changes_get_one_message_each_naming_the_quarter(editor):
    plan = PlanFactory()
    scheme = SchemeFactory(plan=plan)
    client = editor(plan)
    data = {"revision": 0, "scheme": scheme.pk, "measure": "Other", "measure_other": "Falls", "value_per_unit": "1"}
    data.update(dict.fromkeys(("q1", "q2", "q3", "q4"), "-5"))
    response = client.post(reverse("metrics:benefits_add", args=[plan.pk]), data)
    assert response.status_code == 400
    in_summary, _ = summary_and_field(response)
    assert in_summary == [
        f"The planned change in Q{n} 2015/16 must be between 0 and 999,999,999,999" for n in range(1, 5)
    ]
    assert len(set(in_summary)) == 4
    assert not BenefitRow.objects.exists()


@pytest.mark.django_db
def test_a_milestones_unknown_scheme_reference_is_refused(editor):
    plan = PlanFactory()
    SchemeFactory(plan=plan, ref="UP1")
    client = editor(plan)
    data = {"revision": 0, "number": "1", "task": "Procure the service", "scheme_ref": "ZZ9"}
    response = client.post(reverse("plans:row_add", args=[plan.pk, "milestones"]), data)
    assert response.status_code == 400
    assert "Scheme reference must be one of the plan's schemes (UP1)" in text_of(response)
    assert not Milestone.objects.exists()
    data["scheme_ref"] = "up1"
    assert client.post(reverse("plans:row_add", args=[plan.pk, "milestones"]), data).status_code == 302
    assert Milestone.objects.get().scheme_ref == "UP1"


@pytest.mark.django_db
def test_an_empty_comment_is_explained_next_to_the_box_and_in_the_summary_with_nothing_lost(client):
    from plans.models import Role
    from tests.factories import AreaTeamFactory, RoleFactory

    area = AreaTeamFactory()
    plan = PlanFactory(submitted=True, hwb__area_team=area)
    reviewer = RoleFactory(role=Role.REVIEWER, area_team=area).user
    client.force_login(reviewer)
    response = client.post(reverse("review:comment_add", args=[plan.pk, "vision"]), {"text": "   "}, follow=True)
    assert response.redirect_chain[-1][0].endswith("#new-comment")
    in_summary, by_fields = summary_and_field(response)
    assert in_summary == ["Enter your comment"] and by_fields == ["Enter your comment"]
    page = response.content.decode()
    assert 'href="#new-comment"' in page and "govuk-textarea--error" in page
    assert "<title>" in page and "Error" in page.split("</title>")[0]
    # The error is shown once: reading the page again shows no error.
    again = client.get(reverse("plans:section", args=[plan.pk, "vision"]))
    assert "Enter your comment" not in again.content.decode()


# --- odd input on the pages (issue 16) ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["1e308", "99999999999999999999", "NaN", "١٢٣", "Infinity"])
def test_metric_figures_beyond_range_are_explained(editor, value):
    plan = PlanFactory()
    client = editor(plan)
    response = client.post(
        reverse("metrics:metric", args=[plan.pk, "N1"]), {"revision": 0, "f0_numerator": value, "f0_denominator": "5"}
    )
    assert response.status_code == 400
    assert "must be" in text_of(response)
    assert not MetricFigure.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["99999999999999999999", "1e308", "-1", "١٢"])
def test_annex2_whole_numbers_have_a_range(editor, value):
    plan = PlanFactory()
    client = editor(plan)
    response = client.post(
        reverse("plans:row_add", args=[plan.pk, "providers"]),
        {"revision": 0, "provider_name": "Example Hospital NHS Trust", "nel_2013_14_outturn": value},
    )
    assert response.status_code == 400
    assert "The 2013/14 outturn must be" in text_of(response)
    assert not ProviderCommentary.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("revision", ["abc", "", None, "-1", "1e308", "99999999999999999999"])
def test_removing_a_row_with_a_missing_or_malformed_revision_is_refused_as_stale(editor, revision):
    plan = PlanFactory()
    risk = RiskFactory(plan=plan)
    client = editor(plan)
    data = {} if revision is None else {"revision": revision}
    response = client.post(reverse("plans:row_delete", args=[plan.pk, "risks", risk.pk]), data)
    assert response.status_code == 200
    assert "Someone else changed this section after you opened it" in text_of(response)
    assert Risk.objects.filter(pk=risk.pk).exists()
    assert not ChangeRecord.objects.filter(plan=plan).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("revision", ["abc", "", None])
def test_saving_a_section_with_a_malformed_revision_is_refused_as_stale_with_the_text_kept(editor, revision):
    plan = PlanFactory()
    client = editor(plan)
    data = {"vision-vision-text": "Our vision"}
    if revision is not None:
        data["revision"] = revision
    response = client.post(reverse("plans:section", args=[plan.pk, "vision"]), data)
    assert response.status_code == 400
    assert "Someone else saved this section" in text_of(response) and "Our vision" in text_of(response)
    assert not Answer.objects.filter(plan=plan).exists()


@pytest.mark.django_db
def test_control_characters_are_taken_out_of_text(editor):
    plan = PlanFactory()
    client = editor(plan)
    response = client.post(
        reverse("plans:section", args=[plan.pk, "vision"]),
        {"revision": 0, "vision-vision-text": "Joined\x00-up \u202ecare\x1b"},
    )
    assert response.status_code == 302
    assert Answer.objects.get(plan=plan, key="vision.vision").text == "Joined-up care"


@pytest.mark.django_db
def test_an_uploaded_file_name_loses_its_direction_override(editor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    plan = PlanFactory()
    client = editor(plan)
    response = client.post(
        reverse("plans:row_add", args=[plan.pk, "documents"]),
        {"revision": 0, "title": "Invoice", "file": SimpleUploadedFile("invoice\u202egnp.png", png_bytes())},
    )
    assert response.status_code == 302
    assert RelatedDocument.objects.get(plan=plan).original_filename == "invoicegnp.png"


@pytest.mark.django_db
@pytest.mark.parametrize("amount", ["١٢٣", "１２３", "£١٬٢٣٤"])
def test_money_in_other_scripts_digits_is_refused(editor, amount):
    plan = PlanFactory()
    client = editor(plan)
    response = client.post(
        reverse("plans:section", args=[plan.pk, "summary"]), {"revision": 0, "minimum_2014_15": amount}
    )
    assert response.status_code == 400 and "is not an amount of money" in text_of(response)


@pytest.mark.django_db
def test_minus_zero_is_saved_as_zero(editor):
    plan = PlanFactory()
    client = editor(plan)
    response = client.post(
        reverse("plans:section", args=[plan.pk, "summary"]), {"revision": 0, "minimum_2014_15": "-0"}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert str(plan.minimum_2014_15) == "0.00"


@pytest.mark.django_db
def test_a_label_with_a_percent_sign_does_not_break_its_length_message(editor):
    """Found by the hypothesis test of section forms: "Percentage (%)" read as a format character."""
    plan = PlanFactory()
    client = editor(plan)
    url = reverse("plans:section", args=[plan.pk, "joint-assessment"])
    names = set(re.findall(r'name="([^"]*percent[^"]*)"', client.get(url).content.decode()))
    assert names
    response = client.post(url, {"revision": 0, **dict.fromkeys(names, "0" * 21)})
    assert response.status_code == 400
    assert "characters or fewer" in text_of(response)
