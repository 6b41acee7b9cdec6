"""The area team's review (DOMAIN.md §7): the list of the area's plans, reviewing one plan,
comments per section, the outcome, the zip of stored files, and the scoping that makes another area
team's plan a 404."""

import hashlib
import html
import io
import re
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bcf.core.jobs import run_jobs
from plans import access
from plans.models import AssuranceOutcome, ExportJob, PlanStatus, Role, SectionComment, SubmissionFile
from plans.review import services as review
from plans.workflow import services as workflow
from tests.factories import AreaTeamFactory, RoleFactory, bulk_submitted_plans

pytestmark = pytest.mark.django_db

NOTTS_EDITOR = "editor@nottinghamshire.example.org"
NOTTS_CHAIR = "joyce.bosnjak@nottinghamshire.example.org"
NOTTS_COUNCIL = "david.pearson@nottinghamshire.example.org"
NOTTS_CCG_SIGNATORIES = [
    "phil.mettam@bassetlaw.example.org",
    "amanda.sullivan@mansfieldashfield.example.org",
    "sam.walters@nottinghamnortheast.example.org",
    "oliver.newbould@nottinghamwest.example.org",
    "vicky.bailey@rushcliffe.example.org",
]
NOTTS_REVIEWER = "reviewer@dn-at.example.org"
RUTLAND_REVIEWER = "reviewer@ll-at.example.org"
NATIONAL = "national@bcf.example.org"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def person(email):
    return get_user_model().objects.get(email=email)


def text_of(response):
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def submit_notts(plan):
    """The Nottinghamshire demo plan taken through sign-off and submitted with the real services."""
    plan = workflow.plan_mark_ready(plan=plan, user=person(NOTTS_EDITOR))
    for email in [*NOTTS_CCG_SIGNATORIES, NOTTS_COUNCIL, NOTTS_CHAIR]:
        user = person(email)
        keys = [o.key for o in workflow.organisations_for(user, plan)]
        plan = workflow.plan_sign(plan=plan, user=user, organisations=keys)
    workflow.plan_submit(plan=plan, user=person(NOTTS_EDITOR))
    run_jobs()  # the worker stores the version's files
    plan.refresh_from_db()
    return plan


@pytest.fixture
def submitted(demo):
    return submit_notts(demo["nottinghamshire"])


def first_question_section(plan):
    return next(s for s in plan.edition_def.sections if s.kind == "questions")


class TestScoping:
    def test_a_reviewer_of_another_area_team_cannot_see_the_plan(self, client, submitted):
        client.force_login(person(RUTLAND_REVIEWER))
        slug = first_question_section(submitted).slug
        for url in [
            reverse("review:plan", args=[submitted.pk]),
            reverse("review:outcome", args=[submitted.pk]),
            reverse("plans:section", args=[submitted.pk, slug]),
            reverse("workflow:download", args=[submitted.pk, "json"]),
        ]:
            assert client.get(url).status_code == 404, url
        response = client.post(reverse("review:comment_add", args=[submitted.pk, slug]), {"text": "Mine now"})
        assert response.status_code == 404
        assert not SectionComment.objects.exists()
        home = client.get(reverse("review:area_home"))
        assert home.status_code == 200
        assert "Nottinghamshire" not in text_of(home)
        with zipfile.ZipFile(io.BytesIO(client.get(reverse("review:area_zip")).content)) as archive:
            assert not any("nottinghamshire" in name for name in archive.namelist())

    def test_people_without_a_reviewer_role_cannot_open_the_area_pages(self, client, submitted):
        client.force_login(person(NOTTS_EDITOR))
        assert client.get(reverse("review:area_home")).status_code == 403
        assert client.get(reverse("review:area_zip")).status_code == 403
        assert client.get(reverse("review:plan", args=[submitted.pk])).status_code == 403
        client.force_login(person(NATIONAL))
        assert client.get(reverse("review:area_home")).status_code == 403


class TestAreaHome:
    def test_lists_every_hwb_of_the_area_with_its_state_figures_and_files(self, client, submitted):
        client.force_login(person(NOTTS_REVIEWER))
        response = client.get(reverse("review:area_home"))
        assert response.status_code == 200
        page = text_of(response)
        assert "Nottinghamshire" in page and "Submitted" in page
        row = response.context["rows"][0]
        assert row.plan == submitted
        assert {f.kind for f in row.files} == set(
            SubmissionFile.objects.filter(submission__plan=submitted).values_list("kind", flat=True)
        )
        assert row.check is not None  # counted on first listing
        assert reverse("workflow:download", args=[submitted.pk, "json"]) in response.content.decode()

    def test_filters_and_sorting_and_bad_query_strings_never_fail(self, client, submitted):
        client.force_login(person(NOTTS_REVIEWER))
        url = reverse("review:area_home")
        assert len(client.get(url, {"state": "SUBMITTED"}).context["rows"]) == 1
        assert client.get(url, {"state": "DRAFT"}).context["rows"] == []
        assert client.get(url, {"outcome": "Approved"}).context["rows"] == []
        assert len(client.get(url, {"outcome": "none"}).context["rows"]) == 1
        for query in [
            {"state": "NOPE", "outcome": "<script>", "late": "maybe", "sort": "-x;drop", "page": "abc"},
            {"sort": "-" * 50, "page": "-1"},
            {"page": "99999"},
            {"sort": "-budget"},
        ]:
            assert client.get(url, query).status_code == 200, query

    def test_the_list_is_a_constant_number_of_queries_with_150_hwbs(self, client, django_assert_num_queries):
        area = AreaTeamFactory(name="Generated area team")
        reviewer = RoleFactory(role=Role.REVIEWER, area_team=area).user
        client.force_login(reviewer)
        bulk_submitted_plans(area, 10, prefix="Few")
        url = reverse("review:area_home")
        client.get(url)  # the session and the check counts settle
        with CaptureQueriesContext(connection) as few:
            assert client.get(url, {"sort": "-budget"}).status_code == 200
        bulk_submitted_plans(area, 140, prefix="Many")
        with django_assert_num_queries(len(few.captured_queries)):
            response = client.get(url, {"sort": "-budget"})
        assert response.context["page"].paginator.count == 150
        assert len(response.context["rows"]) == 25


class TestZip:
    def test_the_zip_holds_exactly_the_stored_files_with_matching_sha256(self, client, submitted):
        area = submitted.hwb.area_team
        others = bulk_submitted_plans(area, 3, prefix="Neighbour")
        client.force_login(person(NOTTS_REVIEWER))
        response = client.get(reverse("review:area_zip"))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/zip"
        stored = SubmissionFile.objects.filter(submission__plan__in=[submitted, *others])
        expected = {f.filename: f.sha256 for f in stored}
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            got = {
                name.rsplit("/", 1)[1]: hashlib.sha256(archive.read(name)).hexdigest() for name in archive.namelist()
            }
        assert got == expected
        assert len(expected) >= 4
        assert not ExportJob.objects.exists(), "a small area's zip is made in the request"

    def test_a_large_area_zip_is_prepared_by_a_job_then_offered_for_download(
        self, client, submitted, settings, run_jobs
    ):
        settings.EXPORT_JOB_THRESHOLD_VERSIONS = 3
        settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
        others = bulk_submitted_plans(submitted.hwb.area_team, 3, prefix="Neighbour")
        client.force_login(person(NOTTS_REVIEWER))

        response = client.get(reverse("review:area_zip"))
        job = ExportJob.objects.get()
        assert response.status_code == 302 and response["Location"] == reverse("review:export", args=[job.token])
        assert job.items == 4 and job.status == "queued"
        page = client.get(response["Location"])
        assert "Preparing your download" in text_of(page) and "4 submitted versions" in text_of(page)
        assert '<meta http-equiv="refresh"' in page.content.decode(), "the page looks again without JavaScript"
        file_url = reverse("review:export_file", args=[job.token])
        assert client.get(file_url)["Location"] == response["Location"], "not ready yet: back to its page"
        assert client.get(reverse("review:area_zip"))["Location"] == response["Location"], "asked twice, made once"
        assert ExportJob.objects.count() == 1

        assert run_jobs() >= 1
        page = client.get(response["Location"])
        assert "Your download is ready" in text_of(page) and '<meta http-equiv="refresh"' not in page.content.decode()
        download = client.get(file_url)
        assert download.status_code == 200 and download["Content-Type"] == "application/zip"
        assert download["Content-Disposition"].startswith("attachment")
        stored = SubmissionFile.objects.filter(submission__plan__in=[submitted, *others])
        with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
            got = {n.rsplit("/", 1)[1]: hashlib.sha256(archive.read(n)).hexdigest() for n in archive.namelist()}
        assert got == {f.filename: f.sha256 for f in stored}

        client.force_login(person(RUTLAND_REVIEWER))  # another area team's reviewer: not theirs to see
        assert client.get(response["Location"]).status_code == 404
        assert client.get(file_url).status_code == 404


class TestComments:
    def test_a_reviewer_comments_and_the_editor_reads_and_replies_on_the_section(self, client, submitted):
        section = first_question_section(submitted)
        url = reverse("review:comment_add", args=[submitted.pk, section.slug])
        client.force_login(person(NOTTS_REVIEWER))
        response = client.post(url, {"text": "Say how the savings are quantified."})
        assert response.status_code == 302
        thread = SectionComment.objects.get()
        assert thread.author_role == Role.REVIEWER and thread.section == section.slug

        client.force_login(person(NOTTS_EDITOR))
        page = client.get(reverse("plans:section", args=[submitted.pk, section.slug]))
        assert "Say how the savings are quantified." in text_of(page)
        # Editors answer a thread; only the area team starts one.
        assert client.post(url, {"text": "A new thread"}).status_code == 403
        client.post(url, {"text": "See the new appendix.", "parent": thread.pk})
        reply = SectionComment.objects.get(parent=thread)
        assert reply.author_role == Role.EDITOR
        client.force_login(person(NOTTS_CHAIR))
        assert "See the new appendix." in text_of(
            client.get(reverse("plans:section", args=[submitted.pk, section.slug]))
        )

    def test_the_area_team_comments_on_submitted_versions_only(self, client, demo):
        rutland = demo["rutland"]  # a draft
        reviewer = person(RUTLAND_REVIEWER)
        section = first_question_section(rutland)
        with pytest.raises(workflow.WorkflowError):
            review.comment_add(plan=rutland, user=reviewer, section=section.slug, text="Too early")
        client.force_login(reviewer)
        page = client.get(reverse("plans:section", args=[rutland.pk, section.slug]))
        assert 'id="new-comment"' not in page.content.decode()

    def test_comments_are_refused_for_an_unknown_section_or_empty_text(self, submitted):
        with pytest.raises(workflow.WorkflowError):
            review.comment_add(plan=submitted, user=person(NOTTS_REVIEWER), section="nope", text="x")
        with pytest.raises(workflow.WorkflowError):
            review.comment_add(
                plan=submitted, user=person(NOTTS_REVIEWER), section=first_question_section(submitted).slug, text=" "
            )
        with pytest.raises(access.NotAllowed):
            review.comment_add(
                plan=submitted, user=person(NATIONAL), section=first_question_section(submitted).slug, text="x"
            )


class TestOutcome:
    def test_conditions_are_required_when_approved_subject_to_conditions(self, client, submitted):
        client.force_login(person(NOTTS_REVIEWER))
        url = reverse("review:outcome", args=[submitted.pk])
        response = client.post(url, {"outcome": "Approved subject to conditions", "conditions": " "})
        assert response.status_code == 400
        assert "Enter the conditions" in text_of(response)
        response = client.post(
            url,
            {"outcome": "Approved subject to conditions", "conditions": "Agree the DFG split", "comment": "Good plan"},
        )
        assert response.status_code == 302
        submitted.refresh_from_db()
        assert submitted.status == PlanStatus.ASSURED
        outcome = AssuranceOutcome.objects.get(plan=submitted)
        assert (outcome.outcome, outcome.conditions, outcome.comment) == (
            "Approved subject to conditions",
            "Agree the DFG split",
            "Good plan",
        )
        assert outcome.recorded_by == person(NOTTS_REVIEWER)
        page = text_of(client.get(reverse("review:plan", args=[submitted.pk])))
        assert "Approved subject to conditions" in page and "Agree the DFG split" in page
        # Once recorded, a second outcome is a correction, and a correction needs its reason.
        response = client.post(url, {"outcome": "Approved"})
        assert response.status_code == 400 and "Enter why you are correcting the outcome" in text_of(response)
        assert AssuranceOutcome.objects.count() == 1
        assert AssuranceOutcome.objects.get().outcome == "Approved subject to conditions"

    def test_the_service_refuses_conditions_missing_and_editors(self, submitted):
        with pytest.raises(workflow.WorkflowError):
            workflow.plan_assure(plan=submitted, user=person(NOTTS_REVIEWER), outcome="Approved subject to conditions")
        with pytest.raises(access.NotAllowed):
            workflow.plan_assure(plan=submitted, user=person(NOTTS_EDITOR), outcome="Approved")
        assert not AssuranceOutcome.objects.exists()

    def test_the_review_page_shows_sections_warnings_and_files(self, client, submitted):
        client.force_login(person(NOTTS_REVIEWER))
        response = client.get(reverse("review:plan", args=[submitted.pk]))
        assert response.status_code == 200
        page = text_of(response)
        for section in submitted.edition_def.sections:
            assert section.title in page
        assert "Record the assurance outcome" in page and "Return for resubmission" in page
        assert "Checks" in page


def test_the_editor_sees_on_the_overview_which_sections_have_comments(client, submitted):
    section = first_question_section(submitted)
    review.comment_add(plan=submitted, user=person(NOTTS_REVIEWER), section=section.slug, text="Add the DFG split")
    client.force_login(person(NOTTS_EDITOR))
    page = text_of(client.get(reverse("plans:overview", args=[submitted.pk])))
    assert "Area team comments" in page and f"{section.number} {section.title} (1 comment)" in page
