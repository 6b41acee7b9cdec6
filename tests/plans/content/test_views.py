"""Part 1 pages as an officer uses them: scoped to their HWB, every prompt shown, saves kept in the
history, stale saves refused with the text kept, bad input explained on the page."""

import html
import io
import re
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plans import editing
from plans.editing import section_revision
from plans.editions import get_edition
from plans.models import Answer, ChangeRecord, PlanStatus, RelatedDocument, Risk, Role
from schemes.models import Milestone, Scheme
from tests.factories import (
    PASSWORD,
    AreaTeamFactory,
    MilestoneFactory,
    PlanFactory,
    RiskFactory,
    RoleFactory,
    SchemeFactory,
    UserFactory,
    editor_for,
)


def text_of(response):
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def section_url(plan, slug):
    return reverse("plans:section", args=[plan.pk, slug])


def png_bytes():
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"\x00\xff\x00\x00"
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


@pytest.mark.django_db
class TestSignIn:
    def test_sign_in_with_email_and_password(self, client):
        user = UserFactory(email="Officer@Rutland.example.org")
        response = client.post(reverse("login"), {"username": "officer@rutland.example.org", "password": PASSWORD})
        assert response.status_code == 302 and response.url == reverse("plans:home")
        assert int(client.session["_auth_user_id"]) == user.pk

    def test_wrong_password_shows_a_message(self, client):
        UserFactory(email="officer@example.org")
        response = client.post(reverse("login"), {"username": "officer@example.org", "password": "nope"})
        assert "Enter a correct email address and password" in text_of(response)

    def test_pages_need_signing_in(self, client):
        plan = PlanFactory()
        response = client.get(reverse("plans:overview", args=[plan.pk]))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.django_db
class TestScoping:
    def test_another_hwbs_plan_is_not_found_on_every_page(self, client):
        mine, theirs = PlanFactory(), PlanFactory()
        client.force_login(editor_for(mine))
        risk = RiskFactory(plan=theirs)
        doc = RelatedDocument.objects.create(plan=theirs, title="Secret", file=SimpleUploadedFile("a.png", png_bytes()))
        for url in [
            reverse("plans:overview", args=[theirs.pk]),
            reverse("plans:check", args=[theirs.pk]),
            reverse("plans:history", args=[theirs.pk]),
            section_url(theirs, "vision"),
            reverse("plans:row_edit", args=[theirs.pk, "risks", risk.pk]),
            reverse("plans:row_edit", args=[mine.pk, "risks", risk.pk]),  # their row through my plan
            reverse("plans:document_file", args=[theirs.pk, doc.pk]),
        ]:
            assert client.get(url).status_code == 404, url
        assert client.get(reverse("plans:overview", args=[mine.pk])).status_code == 200

    def test_home_lists_only_my_plans(self, client):
        mine, theirs = PlanFactory(), PlanFactory()
        client.force_login(editor_for(mine))
        page = text_of(client.get(reverse("plans:home")))
        assert mine.hwb.name in page and theirs.hwb.name not in page

    def test_reviewer_reads_plans_of_their_area_only(self, client):
        area = AreaTeamFactory()
        inside, outside = PlanFactory(hwb__area_team=area), PlanFactory()
        reviewer = RoleFactory(role=Role.REVIEWER, area_team=area).user
        client.force_login(reviewer)
        assert client.get(reverse("plans:overview", args=[inside.pk])).status_code == 200
        assert client.get(reverse("plans:overview", args=[outside.pk])).status_code == 404

    def test_reviewer_cannot_change_answers(self, client):
        area = AreaTeamFactory()
        plan = PlanFactory(hwb__area_team=area)
        client.force_login(RoleFactory(role=Role.REVIEWER, area_team=area).user)
        client.post(
            section_url(plan, "oversight"), {"revision": 0, "action-oversight-text": "Hacked", "action": "save"}
        )
        assert not Answer.objects.filter(plan=plan).exists()


@pytest.mark.django_db
class TestTaskList:
    def test_overview_shows_statuses_and_count(self, client, demo):
        plan = demo["rutland"]
        client.force_login(editor_for(plan))
        page = text_of(client.get(reverse("plans:overview", args=[plan.pk])))
        assert re.search(r"You have completed \d+ of 19 sections", page)
        for status in ("Completed", "Has errors", "Cannot start yet"):
            assert status in page
        assert "4 d) List of planned BCF schemes" in page

    @pytest.mark.parametrize(("edition", "round_"), [("2014-04", "final"), ("2014-09", "revised")])
    def test_every_prompt_of_the_edition_appears_on_its_page(self, client, edition, round_):
        plan = PlanFactory(edition=edition, round=round_)
        client.force_login(editor_for(plan))
        for section in get_edition(edition).sections:
            page = text_of(client.get(section_url(plan, section.slug)))
            assert f"{section.number} {section.title}" in page
            if section.prompt:
                assert section.prompt in page, section.slug
            for question in section.questions:
                assert question.prompt in page, question.key
                for point in question.points:
                    assert point in page, question.key

    def test_overview_query_count_does_not_grow_with_rows(self, client, django_assert_max_num_queries):
        plan = PlanFactory()
        client.force_login(editor_for(plan))
        for n in range(5):
            SchemeFactory(plan=plan)
            RiskFactory(plan=plan)
            MilestoneFactory(plan=plan, number=n + 1)
        with django_assert_max_num_queries(30) as small:
            client.get(reverse("plans:overview", args=[plan.pk]))
        for n in range(60):
            SchemeFactory(plan=plan)
            RiskFactory(plan=plan)
            MilestoneFactory(plan=plan, number=n + 10)
        editing.touch(plan.pk)  # as a write through the services does: the statuses are worked out again
        with django_assert_max_num_queries(len(small.captured_queries)):
            response = client.get(reverse("plans:overview", args=[plan.pk]))
        assert response.status_code == 200


@pytest.mark.django_db
class TestSavingAnswers:
    def test_save_keeps_history_of_old_and_new(self, client):
        plan = PlanFactory()
        user = editor_for(plan)
        client.force_login(user)
        Answer.objects.create(plan=plan, key="action.oversight", text="Old oversight")
        response = client.post(
            section_url(plan, "oversight"), {"revision": 0, "action-oversight-text": "New oversight", "action": "save"}
        )
        assert response.status_code == 302
        assert Answer.objects.get(plan=plan, key="action.oversight").text == "New oversight"
        change = ChangeRecord.objects.get(plan=plan, field="action.oversight.text")
        assert (change.old, change.new, change.user) == ("Old oversight", "New oversight", user)
        history = text_of(client.get(reverse("plans:history", args=[plan.pk])))
        assert "Old oversight" in history and "New oversight" in history
        assert "action.oversight.text" not in history  # named by its question, not the internal key

    def test_stale_save_is_refused_and_the_text_is_kept(self, client):
        plan = PlanFactory()
        client.force_login(editor_for(plan))
        url = section_url(plan, "oversight")
        assert (
            client.post(url, {"revision": 0, "action-oversight-text": "First editor", "action": "save"}).status_code
            == 302
        )
        response = client.post(url, {"revision": 0, "action-oversight-text": "Second editor's words", "action": "save"})
        page = text_of(response)
        assert response.status_code == 400
        assert "Someone else saved this section after you opened it" in page
        assert "Second editor's words" in page
        assert Answer.objects.get(plan=plan, key="action.oversight").text == "First editor"

    def test_preview_renders_markup_and_escapes_html_without_saving(self, client):
        plan = PlanFactory()
        client.force_login(editor_for(plan))
        response = client.post(
            section_url(plan, "oversight"),
            {
                "revision": 0,
                "action": "preview",
                "action-oversight-text": "- **Board** meets monthly\n- <script>alert(1)</script>",
            },
        )
        body = response.content.decode()
        assert "<li><strong>Board</strong> meets monthly</li>" in body
        assert "<script>alert(1)</script>" not in body
        assert not Answer.objects.filter(plan=plan).exists()

    def test_bad_money_is_explained_and_nothing_is_lost(self, client):
        plan = PlanFactory()
        client.force_login(editor_for(plan))
        response = client.post(
            section_url(plan, "summary"),
            {
                "revision": 0,
                "boundary_differences": "No boundary differences",
                "total_agreed_2014_15": "£1,228M",
                "total_agreed_2015_16": "£2.226m",
            },
        )
        page = text_of(response)
        assert response.status_code == 400
        assert "There is a problem" in page and "is ambiguous" in page
        assert 'value="£1,228M"' in page and "No boundary differences" in page
        plan.refresh_from_db()
        assert plan.boundary_differences == "" and plan.total_agreed_2015_16 is None

    def test_summary_money_is_stored_exactly(self, client):
        plan = PlanFactory()
        client.force_login(editor_for(plan))
        client.post(
            section_url(plan, "summary"),
            {
                "revision": 0,
                "boundary_differences": "None",
                "total_agreed_2014_15": "£21,838,000.00",
                "total_agreed_2015_16": "£21.838m",
                "minimum_2015_16": "21838000",
                "date_agreed_at_hwb_0": "17",
                "date_agreed_at_hwb_1": "9",
                "date_agreed_at_hwb_2": "2014",
            },
        )
        plan.refresh_from_db()
        assert (
            str(plan.total_agreed_2014_15)
            == str(plan.total_agreed_2015_16)
            == str(plan.minimum_2015_16)
            == "21838000.00"
        )
        assert plan.date_agreed_at_hwb.isoformat() == "2014-09-17"

    def test_yes_no_with_conditional_follow_up(self, client):
        plan = PlanFactory(original=True)
        client.force_login(editor_for(plan))
        page = client.get(section_url(plan, "data-sharing")).content.decode()
        assert 'data-aria-controls="conditional-id_conditions-nhs_number-yes' in page
        client.post(
            section_url(plan, "data-sharing"),
            {
                "revision": 0,
                "action": "save",
                "conditions-nhs_number-yes": "no",
                "conditions-nhs_number-text": "Social care records do not yet hold it",
                "conditions-nhs_number_commitment-date_0": "31",
                "conditions-nhs_number_commitment-date_1": "3",
                "conditions-nhs_number_commitment-date_2": "2015",
                "conditions-nhs_number_commitment-text": "By the end of March 2015",
            },
        )
        assert Answer.objects.get(plan=plan, key="conditions.nhs_number").yes is False
        assert Answer.objects.get(plan=plan, key="conditions.nhs_number_commitment").date.isoformat() == "2015-03-31"

    def test_breakdown_lines_are_saved_in_order(self, client):
        plan = PlanFactory()
        client.force_login(editor_for(plan))
        base = "conditions-social_care_amount-breakdown"
        client.post(
            section_url(plan, "social-care"),
            {
                "revision": 0,
                "action": "save",
                f"{base}-rows": "3",
                "conditions-social_care_amount-amount": "£679k",
                f"{base}-0-label": "DFG",
                f"{base}-0-amount": "£104k",
                f"{base}-1-label": "Reablement",
                f"{base}-1-amount": "536,000",
            },
        )
        answer = Answer.objects.get(plan=plan, key="conditions.social_care_amount")
        assert answer.breakdown == [
            {"label": "DFG", "amount": "104000.00"},
            {"label": "Reablement", "amount": "536000.00"},
        ]

    def test_plan_awaiting_sign_off_is_read_only(self, client):
        plan = PlanFactory(awaiting_sign_off=True)
        client.force_login(editor_for(plan))
        page = text_of(client.get(section_url(plan, "oversight")))
        assert "Save and return to the plan" not in page and "Not answered" in page
        client.post(section_url(plan, "oversight"), {"revision": 0, "action-oversight-text": "x", "action": "save"})
        assert not Answer.objects.filter(plan=plan).exists()
        assert plan.status == PlanStatus.AWAITING_SIGN_OFF


@pytest.mark.django_db
class TestTables:
    def test_scored_risk_shows_the_computed_factor(self, client):
        plan = PlanFactory()
        client.force_login(editor_for(plan))
        response = client.post(
            reverse("plans:row_add", args=[plan.pk, "risks"]),
            {
                "revision": section_revision(plan, "risks"),
                "risk": "Admissions do not fall",
                "likelihood": "4",
                "impact": "5",
                "leads": "Sav Della Rocca, Tim O'Neill",
                "mitigation": "Weekly tracking",
            },
        )
        assert response.status_code == 302
        risk = Risk.objects.get(plan=plan)
        assert risk.risk_factor == 20 and risk.leads == ["Sav Della Rocca", "Tim O'Neill"]
        page = text_of(client.get(section_url(plan, "risks")))
        assert "<strong>20</strong>" in page

    def test_level_risk_needs_one_rating_or_both_levels(self, client):
        plan = PlanFactory(original=True)
        client.force_login(editor_for(plan))
        response = client.post(
            reverse("plans:row_add", args=[plan.pk, "risks"]),
            {
                "revision": 0,
                "risk": "Workforce",
                "impact_level": "HIGH",
                "mitigation": "Recruit",
            },
        )
        assert "Give both the impact and the likelihood" in text_of(response)
        assert not Risk.objects.exists()

    def test_milestone_with_months_draws_the_chart(self, client):
        plan = PlanFactory()
        client.force_login(editor_for(plan))
        MilestoneFactory(plan=plan, number=1)
        MilestoneFactory(plan=plan, number=2)
        client.post(
            reverse("plans:row_add", args=[plan.pk, "milestones"]),
            {
                "revision": section_revision(plan, "milestones"),
                "number": "3",
                "task": "Go live",
                "depends_on": "1& 2",
                "start": "Aug 2014",
                "end": "Mar 2015",
            },
        )
        milestone = Milestone.objects.get(plan=plan, number=3)
        assert milestone.depends_on == [1, 2] and milestone.start.isoformat() == "2014-08-01"
        page = client.get(section_url(plan, "milestones")).content.decode()
        assert '<svg class="bcf-gantt" role="img"' in page and 'class="bar"' in page

    def test_bad_month_keeps_the_typed_value(self, client):
        plan = PlanFactory()
        client.force_login(editor_for(plan))
        response = client.post(
            reverse("plans:row_add", args=[plan.pk, "milestones"]),
            {
                "revision": 0,
                "number": "1",
                "task": "Go live",
                "start": "Smarch 2015",
            },
        )
        page = text_of(response)
        assert "is not a month" in page and 'value="Smarch 2015"' in page

    def test_duplicate_scheme_reference_is_refused(self, client):
        plan = PlanFactory()
        SchemeFactory(plan=plan, ref="UP1")
        client.force_login(editor_for(plan))
        response = client.post(
            reverse("plans:row_add", args=[plan.pk, "schemes"]), {"revision": 0, "ref": "up1", "name": "Telecare"}
        )
        assert "Scheme reference up1 is already used in this plan" in text_of(response)
        assert Scheme.objects.filter(plan=plan).count() == 1

    def test_removing_a_row_is_recorded(self, client):
        plan = PlanFactory()
        risk = RiskFactory(plan=plan)
        client.force_login(editor_for(plan))
        client.post(reverse("plans:row_delete", args=[plan.pk, "risks", risk.pk]), {"revision": 0})
        assert not Risk.objects.exists()
        assert ChangeRecord.objects.filter(plan=plan, field__endswith="removed").exists()


@pytest.mark.django_db
class TestUploads:
    def _post(self, client, plan, upload, **extra):
        return client.post(
            reverse("plans:row_add", args=[plan.pk, "documents"]),
            {"revision": 0, "title": "Governance structure", "file": upload, **extra},
        )

    def test_real_png_is_stored_privately_and_served_to_permitted_users(self, client, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        plan = PlanFactory()
        client.force_login(editor_for(plan))
        response = self._post(
            client, plan, SimpleUploadedFile("diagram.png", png_bytes(), "image/png"), question_key="action.governance"
        )
        assert response.status_code == 302
        doc = RelatedDocument.objects.get(plan=plan)
        assert doc.content_type == "image/png" and doc.question_key == "action.governance"
        assert str(tmp_path) in doc.file.path and "static" not in doc.file.path
        download = client.get(reverse("plans:document_file", args=[plan.pk, doc.pk]))
        assert b"".join(download.streaming_content) == png_bytes()
        assert download["X-Content-Type-Options"] == "nosniff"
        client.force_login(editor_for(PlanFactory()))
        assert client.get(reverse("plans:document_file", args=[plan.pk, doc.pk])).status_code == 404

    @pytest.mark.parametrize(
        ("name", "content", "message"),
        [
            ("evil.pdf", b"MZ\x90\x00 not a pdf", "not a real PDF file"),
            ("notes.exe", b"MZ", "must be a PDF, DOCX, XLSX, PNG or JPEG"),
            ("empty.png", b"", "empty"),
        ],
    )
    def test_files_are_checked_by_content(self, client, settings, tmp_path, name, content, message):
        settings.MEDIA_ROOT = tmp_path
        plan = PlanFactory()
        client.force_login(editor_for(plan))
        response = self._post(client, plan, SimpleUploadedFile(name, content))
        assert message in text_of(response)
        assert not RelatedDocument.objects.exists()

    def test_oversized_files_are_refused(self, client, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        settings.UPLOAD_MAX_BYTES = 100
        plan = PlanFactory()
        client.force_login(editor_for(plan))
        response = self._post(client, plan, SimpleUploadedFile("big.png", png_bytes() + b"\0" * 200))
        assert "must be smaller than" in text_of(response)


def test_demo_png_helper_is_a_png():
    assert io.BytesIO(png_bytes()).read(8) == b"\x89PNG\r\n\x1a\n"
