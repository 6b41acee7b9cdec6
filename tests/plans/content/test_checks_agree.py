"""Checks and statuses agree (issue 12, item 5): a section is Completed only when its checks pass,
the checks are the same for every reader before and after submission, and a placeholder error
links to the placeholder itself."""

import datetime
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from bcf.core.issues import ERROR, WARNING
from plans.content.checks import check_plan, section_status
from plans.content.selectors import plan_view
from plans.models import Answer, Plan
from tests.plans.content.test_views import text_of

RUTLAND_EDITOR = "editor@rutland.example.org"


@pytest.mark.django_db
class TestStatusesFollowTheChecks:
    def test_annex_2_with_blank_provider_fields_is_not_completed(self, demo):
        view = plan_view(demo["rutland"])
        issues = check_plan(view)
        section = view.edition.section_of_kind("providers")
        blank = [i for i in issues if i.section == section.slug and i.level == ERROR]
        assert blank and "Name of Provider CEO" in blank[0].message
        assert section_status(view, section, issues) != "Completed"

    def test_undated_milestones_are_not_completed(self, demo):
        view = plan_view(demo["rutland"])
        issues = check_plan(view)
        section = view.edition.section_of_kind("milestones")
        undated = [i for i in issues if i.section == section.slug and "start or end month" in i.message]
        assert undated and "55 of 55 milestones" in undated[0].message
        assert section_status(view, section, issues) != "Completed"


@pytest.mark.django_db
def test_the_data_sharing_commitment_warning_is_the_same_before_and_after_submission(demo):
    plan = demo["nottinghamshire"]
    answer = Answer.objects.get(plan=plan, key="conditions.nhs_number")
    deadline = datetime.date(2014, 4, 4)
    answer.date = deadline + datetime.timedelta(days=1)  # after the deadline, before a late submission
    answer.save()

    def messages():
        return sorted(i.message for i in check_plan(plan_view(Plan.objects.get(pk=plan.pk))) if i.level == WARNING)

    before = [m for m in messages() if "commitment date" in m]
    Plan.objects.filter(pk=plan.pk).update(
        date_submitted=datetime.datetime(2014, 4, 20, 12, tzinfo=datetime.UTC), status="SUBMITTED"
    )
    after = [m for m in messages() if "commitment date" in m]
    assert before == after


@pytest.mark.django_db
def test_a_placeholder_error_links_to_the_placeholder(client, demo):
    from tests.plans.review.test_review import person

    plan = demo["rutland"]
    client.force_login(person(RUTLAND_EDITOR))
    page = client.get(reverse("plans:check", args=[plan.pk])).content.decode()
    links = [line for line in page.split('href="')[1:] if "find=" in line.split('"')[0]]
    assert links, "the check page links each placeholder error to the text itself"
    url = urlparse(links[0].split('"')[0].replace("&amp;", "&"))
    found = parse_qs(url.query)["find"][0]
    assert url.fragment.startswith("id_") and found
    text = text_of(client.get(url.path + "?" + url.query))
    assert found in text
