"""Sign-off and submission (DOMAIN.md §7) as the people involved meet it: the editor marks the plan
ready, every CCG and the council sign, the chair signs last, the editor submits an immutable version.
The Nottinghamshire demo plan has no check errors and six CCGs (Amanda Sullivan signs for two);
Rutland's draft has many errors."""

import hashlib
import html
import json
import re
from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.urls import reverse

from bcf.core.issues import WARNING
from plans import access, deadlines
from plans.content.checks import check_plan
from plans.content.document import plan_document
from plans.content.selectors import plan_view
from plans.content.services import answers_save
from plans.editing import PlanNotEditable, section_revision
from plans.models import (
    Answer,
    ChangeRecord,
    Decline,
    FileKind,
    PlanStatus,
    Signature,
    SignatureKind,
    Submission,
    SubmissionFile,
)
from plans.workflow import services as workflow
from tests.factories import (
    AwaitingSignOffPlanFactory,
    PlanFactory,
    SignedOffPlanFactory,
    chair_for,
    editor_for,
    signatory_for,
)

pytestmark = pytest.mark.django_db

NOTTS_EDITOR = "editor@nottinghamshire.example.org"
NOTTS_CHAIR = "joyce.bosnjak@nottinghamshire.example.org"
NOTTS_COUNCIL = "david.pearson@nottinghamshire.example.org"
SULLIVAN = "amanda.sullivan@mansfieldashfield.example.org"  # signs for Mansfield and Ashfield, Newark and Sherwood
NOTTS_CCG_SIGNATORIES = [
    "phil.mettam@bassetlaw.example.org",
    SULLIVAN,
    "sam.walters@nottinghamnortheast.example.org",
    "oliver.newbould@nottinghamwest.example.org",
    "vicky.bailey@rushcliffe.example.org",
]
NOTTS_REVIEWER = "reviewer@dn-at.example.org"
RUTLAND_CCG_SIGNATORY = "david.briggs@eastleicestershirerutland.example.org"
RUTLAND_EDITOR = "editor@rutland.example.org"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def person(email):
    return get_user_model().objects.get(email=email)


def text_of(response):
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def keys_of(user, plan):
    return [o.key for o in workflow.organisations_for(user, plan)]


def sign_as(email, plan):
    user = person(email)
    return workflow.plan_sign(plan=plan, user=user, organisations=keys_of(user, plan))


def sign_all_but_chair(plan, leave_out=()):
    for email in [*NOTTS_CCG_SIGNATORIES, NOTTS_COUNCIL]:
        if email not in leave_out:
            plan = sign_as(email, plan)
    return plan


@pytest.fixture
def notts(demo):
    return demo["nottinghamshire"]


@pytest.fixture
def ready(notts):
    return workflow.plan_mark_ready(plan=notts, user=person(NOTTS_EDITOR))


@pytest.fixture
def signed_off(ready):
    plan = sign_all_but_chair(ready)
    return sign_as(NOTTS_CHAIR, plan)


# --- marking ready -----------------------------------------------------------------------------------


class TestMarkReady:
    def test_refused_while_the_check_page_has_errors_and_the_errors_are_shown(self, client, demo):
        plan = demo["rutland"]
        editor = person(RUTLAND_EDITOR)
        with pytest.raises(workflow.PlanHasErrors) as refused:
            workflow.plan_mark_ready(plan=plan, user=editor)
        assert len(refused.value.issues) > 10
        client.force_login(editor)
        response = client.post(reverse("workflow:mark_ready", args=[plan.pk]))
        assert response.status_code == 400
        page = text_of(response)
        assert "The plan cannot be signed off until" in page
        assert "template placeholder “£1xxk” left in" in page
        # Each error links to the answer it is about.
        assert re.search(rf'href="/plans/{plan.pk}/sections/[a-z-]+/#id_', response.content.decode())
        plan.refresh_from_db()
        assert plan.status == PlanStatus.DRAFT

    def test_a_plan_without_errors_awaits_sign_off_and_each_signatory_is_emailed_once(
        self, client, notts, mailoutbox, django_capture_on_commit_callbacks, run_jobs, settings
    ):
        settings.SITE_URL = "https://bcf.example.org"
        client.force_login(person(NOTTS_EDITOR))
        assert client.get(reverse("workflow:mark_ready", args=[notts.pk])).status_code == 200
        run_jobs()  # e-mails of what came before
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("workflow:mark_ready", args=[notts.pk]))
        run_jobs()
        assert response.status_code == 302
        notts.refresh_from_db()
        assert notts.status == PlanStatus.AWAITING_SIGN_OFF
        recipients = sorted(m.to[0] for m in mailoutbox)
        assert recipients == sorted([*NOTTS_CCG_SIGNATORIES, NOTTS_COUNCIL])  # the chair is asked last
        sullivan = next(m for m in mailoutbox if m.to == [SULLIVAN])
        assert "NHS Mansfield and Ashfield CCG" in sullivan.body and "NHS Newark and Sherwood CCG" in sullivan.body
        assert f"https://bcf.example.org/plans/{notts.pk}/sign/" in sullivan.body
        assert ChangeRecord.objects.filter(plan=notts, section="workflow", new="Awaiting sign-off").exists()

    def test_only_an_editor_marks_a_plan_ready(self, client, notts):
        signatory = person(NOTTS_COUNCIL)
        with pytest.raises(access.NotAllowed):
            workflow.plan_mark_ready(plan=notts, user=signatory)
        client.force_login(signatory)
        assert client.post(reverse("workflow:mark_ready", args=[notts.pk])).status_code == 403

    def test_the_plan_is_read_only_once_marked_ready(self, client, ready):
        editor = person(NOTTS_EDITOR)
        with pytest.raises(PlanNotEditable):
            answers_save(
                plan=ready,
                user=editor,
                section="vision",
                revision=section_revision(ready, "vision"),
                values={"vision.vision": {"text": "Changed after marking ready"}},
            )
        client.force_login(editor)
        client.post(
            reverse("plans:section", args=[ready.pk, "vision"]),
            {"revision": 0, "action": "save", "vision-vision-text": "Changed through the page"},
        )
        assert "Changed" not in Answer.objects.get(plan=ready, key="vision.vision").text


# --- signing -----------------------------------------------------------------------------------------


class TestSigning:
    def test_chair_cannot_sign_before_the_others(self, client, ready):
        chair = person(NOTTS_CHAIR)
        with pytest.raises(workflow.ChairSignsLast):
            workflow.plan_sign(plan=ready, user=chair, organisations=["hwb"])
        # One CCG short: still refused, and the page says who is missing.
        plan = sign_all_but_chair(ready, leave_out=["vicky.bailey@rushcliffe.example.org"])
        with pytest.raises(workflow.ChairSignsLast, match="NHS Rushcliffe CCG"):
            workflow.plan_sign(plan=plan, user=chair, organisations=["hwb"])
        client.force_login(chair)
        page = text_of(client.get(reverse("workflow:sign", args=[plan.pk])))
        assert "As chair you sign last. Still to sign: NHS Rushcliffe CCG" in page
        response = client.post(reverse("workflow:sign", args=[plan.pk]), {"organisations": ["hwb"]})
        assert response.status_code == 400
        plan.refresh_from_db()
        assert plan.status == PlanStatus.AWAITING_SIGN_OFF
        assert not Signature.objects.filter(plan=plan, kind="hwb").exists()

    def test_all_signed_then_the_chair_makes_it_signed_off_and_editors_and_chair_are_emailed(
        self, ready, mailoutbox, django_capture_on_commit_callbacks, run_jobs
    ):
        run_jobs()  # e-mails of what came before
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            plan = sign_all_but_chair(ready)
        run_jobs()
        assert [m.to for m in mailoutbox] == [[NOTTS_CHAIR]]  # the last of the others asks the chair
        mailoutbox.clear()
        run_jobs()  # e-mails of what came before
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            plan = sign_as(NOTTS_CHAIR, plan)
        run_jobs()
        assert plan.status == PlanStatus.SIGNED_OFF
        assert sorted(m.to[0] for m in mailoutbox) == sorted([NOTTS_EDITOR, NOTTS_CHAIR])
        assert f"/plans/{plan.pk}/submit/" in mailoutbox[0].body
        blocks = plan_view(plan).signatures
        assert [b.kind for b in blocks] == ["ccg"] * 6 + ["council", "hwb"]
        assert all(b.valid for b in blocks)
        assert blocks[-1].by == "Joyce Bosnjak" and blocks[-1].position == "Chair of Health and Wellbeing Board"

    def test_one_person_signs_for_two_ccgs_in_one_go(self, client, ready):
        client.force_login(person(SULLIVAN))
        page = text_of(client.get(reverse("workflow:sign", args=[ready.pk])))
        assert "NHS Mansfield and Ashfield CCG" in page and "NHS Newark and Sherwood CCG" in page
        keys = keys_of(person(SULLIVAN), ready)
        assert len(keys) == 2
        response = client.post(reverse("workflow:sign", args=[ready.pk]), {"organisations": keys})
        assert response.status_code == 302
        signatures = Signature.objects.filter(plan=ready, voided_at__isnull=True)
        assert sorted(s.on_behalf_of for s in signatures) == [
            "NHS Mansfield and Ashfield CCG",
            "NHS Newark and Sherwood CCG",
        ]
        assert {s.name for s in signatures} == {"Amanda Sullivan"}

    def test_name_position_and_time_come_from_the_account_and_the_server(self, client, ready):
        before = deadlines.now()
        client.force_login(person(NOTTS_COUNCIL))
        client.post(
            reverse("workflow:sign", args=[ready.pk]),
            {"organisations": ["council"], "name": "Someone Else", "signed_at": "2014-01-01", "position": "Mayor"},
        )
        signature = Signature.objects.get(plan=ready, kind=SignatureKind.COUNCIL)
        assert signature.name == "David Pearson"
        assert signature.position == "Corporate Director, Adult Social Care, Health and Public Protection"
        assert before <= signature.signed_at <= deadlines.now()
        assert signature.content_hash == plan_view(ready).content_hash

    def test_a_signatory_of_another_hwb_gets_404(self, client, ready):
        outsider = person(RUTLAND_CCG_SIGNATORY)
        client.force_login(outsider)
        for name in ("sign", "decline", "submit", "reopen", "versions"):
            assert client.get(reverse(f"workflow:{name}", args=[ready.pk])).status_code == 404, name
        response = client.post(reverse("workflow:sign", args=[ready.pk]), {"organisations": ["council"]})
        assert response.status_code == 404
        with pytest.raises(access.NotAllowed):
            workflow.plan_sign(plan=ready, user=outsider, organisations=["council"])
        assert not Signature.objects.filter(plan=ready).exists()

    def test_nobody_signs_for_an_organisation_they_do_not_represent(self, client, ready):
        client.force_login(person(NOTTS_COUNCIL))
        bassetlaw = next(c for c in ready.ordered_ccgs() if "Bassetlaw" in c.name)
        response = client.post(reverse("workflow:sign", args=[ready.pk]), {"organisations": [f"ccg:{bassetlaw.pk}"]})
        assert response.status_code == 400
        assert "Select the organisation you are signing for" in text_of(response)
        with pytest.raises(access.NotAllowed):
            workflow.plan_sign(plan=ready, user=person(NOTTS_COUNCIL), organisations=[f"ccg:{bassetlaw.pk}"])
        editor = person(NOTTS_EDITOR)
        client.force_login(editor)
        assert client.get(reverse("workflow:sign", args=[ready.pk])).status_code == 403

    def test_signing_twice_for_the_same_organisation_is_refused(self, client, ready):
        sign_as(NOTTS_COUNCIL, ready)
        with pytest.raises(workflow.AlreadySigned):
            workflow.plan_sign(plan=ready, user=person(NOTTS_COUNCIL), organisations=["council"])
        assert Signature.objects.filter(plan=ready, kind="council").count() == 1

    def test_the_database_holds_one_signature_per_organisation_per_plan_version(self, ready):
        first = sign_as(NOTTS_COUNCIL, ready)
        original = Signature.objects.get(plan=first, kind="council")
        with pytest.raises(IntegrityError), transaction.atomic():
            Signature.objects.create(
                plan=ready,
                kind="council",
                on_behalf_of="Nottinghamshire County Council",
                name="A Second Person",
                signed_at=deadlines.now(),
                content_hash=original.content_hash,
            )
        ccg = original.plan.ordered_ccgs()[0]
        sign_as(NOTTS_CCG_SIGNATORIES[0], ready)
        with pytest.raises(IntegrityError), transaction.atomic():
            Signature.objects.create(
                plan=ready, kind="ccg", ccg=ccg, on_behalf_of=ccg.name, name="X", signed_at=deadlines.now()
            )

    def test_a_change_after_signing_invalidates_the_signature_even_made_directly_in_the_database(self, client, ready):
        plan = sign_all_but_chair(ready)
        assert all(b.valid for b in plan_view(plan).signatures if b.signed)
        # Behind the application's back: raw SQL, no service, no history, status untouched.
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE plans_answer SET text = %s WHERE plan_id = %s AND key = %s",
                ["A sentence nobody signed.", plan.pk, "vision.vision"],
            )
        blocks = plan_view(plan).signatures
        assert [b.valid for b in blocks if b.signed] == [False] * 7
        assert all(b.invalid for b in blocks if b.signed)
        with pytest.raises(workflow.SignaturesInvalid):
            sign_as(NOTTS_CHAIR, plan)
        client.force_login(person(NOTTS_EDITOR))
        overview = text_of(client.get(reverse("plans:overview", args=[plan.pk])))
        assert "No longer valid" in overview and "their signatures no longer hold" in overview
        doc = plan_document(plan_view(plan))
        assert {s["valid"] for s in doc["signatures"]} == {False}

    def test_a_signed_off_plan_changed_in_the_database_cannot_be_submitted(self, signed_off):
        Answer.objects.filter(plan=signed_off, key="vision.vision").update(text="Edited directly")
        with pytest.raises(workflow.SignaturesInvalid):
            workflow.plan_submit(plan=signed_off, user=person(NOTTS_EDITOR))
        signed_off.refresh_from_db()
        assert signed_off.status == PlanStatus.SIGNED_OFF
        assert not Submission.objects.filter(plan=signed_off).exists()

    def test_the_signoff_section_shows_the_real_blocks(self, client, ready):
        sign_as(SULLIVAN, ready)
        client.force_login(person(NOTTS_EDITOR))
        page = text_of(client.get(reverse("plans:section", args=[ready.pk, "signoff"])))
        assert "NHS Mansfield and Ashfield CCG By Amanda Sullivan Position Chief Officer" in page
        assert page.count("Not signed yet") == 6  # 4 CCGs, the council and the chair


# --- declining and reopening -------------------------------------------------------------------------


class TestDeclineAndReopen:
    def test_decline_with_a_reason_returns_the_plan_to_draft_and_voids_every_signature(
        self, client, ready, mailoutbox, django_capture_on_commit_callbacks, run_jobs
    ):
        plan = sign_as(SULLIVAN, ready)
        client.force_login(person(NOTTS_COUNCIL))
        response = client.post(reverse("workflow:decline", args=[plan.pk]), {"reason": ""})
        assert response.status_code == 400
        assert "Enter the reason you are declining to sign the plan" in text_of(response)
        run_jobs()  # e-mails of what came before
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("workflow:decline", args=[plan.pk]), {"reason": "The risk log omits the pooled budget risk."}
            )
        run_jobs()
        assert response.status_code == 302
        plan.refresh_from_db()
        assert plan.status == PlanStatus.DRAFT
        assert not Signature.objects.filter(plan=plan, voided_at__isnull=True).exists()
        assert Signature.objects.filter(plan=plan).count() == 2  # kept, voided
        decline = Decline.objects.get(plan=plan)
        assert decline.on_behalf_of == "Nottinghamshire County Council" and decline.name == "David Pearson"
        to = sorted(m.to[0] for m in mailoutbox)
        assert to == sorted([NOTTS_EDITOR, SULLIVAN])
        assert all("The risk log omits the pooled budget risk." in m.body for m in mailoutbox)
        client.force_login(person(NOTTS_EDITOR))
        overview = text_of(client.get(reverse("plans:overview", args=[plan.pk])))
        assert "David Pearson declined to sign on behalf of Nottinghamshire County Council" in overview

    def test_reopen_clears_every_signature_and_records_each_voiding(
        self, client, ready, mailoutbox, django_capture_on_commit_callbacks, run_jobs
    ):
        plan = sign_all_but_chair(ready)
        plan = sign_as(NOTTS_CHAIR, plan)
        client.force_login(person(NOTTS_EDITOR))
        page = text_of(client.get(reverse("workflow:reopen", args=[plan.pk])))
        assert "8 signatures will be voided" in page
        run_jobs()  # e-mails of what came before
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("workflow:reopen", args=[plan.pk]), {"reason": "Update the risk log"})
        run_jobs()
        plan.refresh_from_db()
        assert plan.status == PlanStatus.DRAFT
        assert not any(b.signed for b in plan_view(plan).signatures)
        voidings = ChangeRecord.objects.filter(plan=plan, field__startswith="Signature voided: ")
        assert voidings.count() == 8
        assert {r.new for r in voidings} == {"Plan reopened by Nottinghamshire Editor: Update the risk log"}
        assert sorted(m.to[0] for m in mailoutbox) == sorted([*NOTTS_CCG_SIGNATORIES, NOTTS_COUNCIL, NOTTS_CHAIR])
        # Editable again, and it can be taken round again.
        answers_save(
            plan=plan,
            user=person(NOTTS_EDITOR),
            section="vision",
            revision=section_revision(plan, "vision"),
            values={"vision.vision": {"text": "Our vision, updated after reopening."}},
        )
        assert workflow.plan_mark_ready(plan=plan, user=person(NOTTS_EDITOR)).status == PlanStatus.AWAITING_SIGN_OFF

    def test_only_editors_reopen(self, client, ready):
        with pytest.raises(access.NotAllowed):
            workflow.plan_reopen(plan=ready, user=person(NOTTS_COUNCIL))
        client.force_login(person(NOTTS_COUNCIL))
        assert client.post(reverse("workflow:reopen", args=[ready.pk])).status_code == 403


# --- submitting --------------------------------------------------------------------------------------


class TestSubmission:
    def test_submit_stores_an_immutable_version_whose_downloads_match_their_sha256(
        self, client, signed_off, mailoutbox, django_capture_on_commit_callbacks, run_jobs
    ):
        client.force_login(person(NOTTS_EDITOR))
        assert client.get(reverse("workflow:submit", args=[signed_off.pk])).status_code == 200
        run_jobs()  # e-mails of what came before
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("workflow:submit", args=[signed_off.pk]))
        run_jobs()
        assert response.status_code == 302 and response.url == reverse("workflow:submitted", args=[signed_off.pk])
        confirmation = text_of(client.get(response.url))
        assert "Plan submitted" in confirmation
        signed_off.refresh_from_db()
        assert signed_off.status == PlanStatus.SUBMITTED and signed_off.date_submitted
        submission = Submission.objects.get(plan=signed_off)
        assert submission.version == 1 and submission.round == "final"
        assert submission.submitted_by == person(NOTTS_EDITOR)
        assert submission.content_hash == plan_view(signed_off).content_hash
        stored = {f.kind: f for f in submission.files.all()}
        assert FileKind.JSON in stored
        for kind, f in stored.items():
            assert f.sha256 in confirmation
            first = client.get(reverse("workflow:download", args=[signed_off.pk, kind]))
            second = client.get(reverse("workflow:download", args=[signed_off.pk, kind]))
            assert first.status_code == 200 and first["Content-Disposition"].startswith("attachment")
            assert first.content == second.content
            assert hashlib.sha256(first.content).hexdigest() == f.sha256 == first["X-Content-SHA256"]
        doc = json.loads(bytes(stored[FileKind.JSON].content))
        assert doc["status"] == "SUBMITTED" and doc["version"] == 1
        assert [s["by"] for s in doc["signatures"]][-1] == "Joyce Bosnjak"
        # The area team reviewers are told, with the link to the version.
        assert [m.to for m in mailoutbox] == [[NOTTS_REVIEWER]]
        assert f"/plans/{signed_off.pk}/versions/" in mailoutbox[0].body
        assert stored[FileKind.JSON].sha256 in mailoutbox[0].body

    def test_stored_files_never_change(self, signed_off, run_jobs):
        submission = workflow.plan_submit(plan=signed_off, user=person(NOTTS_EDITOR))
        run_jobs()
        stored = submission.files.get(kind=FileKind.JSON)
        with pytest.raises(ValueError, match="never change"):
            stored.save()
        with pytest.raises(ValueError, match="never change"):
            submission.save()
        with pytest.raises(DatabaseError), transaction.atomic():
            SubmissionFile.objects.filter(pk=stored.pk).update(content=b"{}")
        with pytest.raises(DatabaseError), transaction.atomic():
            Submission.objects.filter(pk=submission.pk).update(is_late=False)
        stored.refresh_from_db()
        assert hashlib.sha256(bytes(stored.content)).hexdigest() == stored.sha256

    def test_a_late_submission_is_flagged(self, client, signed_off):
        # Submitted in 2026: long after the final round's deadline of 4 April 2014.
        submission = workflow.plan_submit(plan=signed_off, user=person(NOTTS_CHAIR))
        assert submission.is_late
        assert submission.deadline == datetime(2014, 4, 4, 22, 59, 59, tzinfo=UTC)  # 23:59:59 BST
        late = [i.message for i in check_plan(plan_view(signed_off)) if i.level == WARNING and "Late" in i.message]
        assert late == [
            "Late submission: the plan was submitted after the deadline for the Final round (4 April 2014, 23:59)"
        ]
        client.force_login(person(NOTTS_EDITOR))
        assert "Late" in text_of(client.get(reverse("plans:overview", args=[signed_off.pk])))

    @pytest.mark.parametrize(
        ("submitted_at", "late"),
        [
            (datetime(2014, 4, 4, 22, 59, 0, tzinfo=UTC), False),  # 23:59 in London: in time
            (datetime(2014, 4, 4, 23, 0, 30, tzinfo=UTC), True),  # 00:00:30 on 5 April in London
        ],
    )
    def test_the_deadline_is_in_london_time(self, signed_off, monkeypatch, submitted_at, late):
        monkeypatch.setattr(deadlines, "now", lambda: submitted_at)
        submission = workflow.plan_submit(plan=signed_off, user=person(NOTTS_EDITOR))
        assert submission.is_late is late
        assert submission.submitted_at == submitted_at

    def test_before_the_deadline_the_check_page_does_not_warn_and_after_it_does(self, notts, monkeypatch):
        monkeypatch.setattr(deadlines, "now", lambda: datetime(2014, 3, 1, tzinfo=UTC))
        assert not [i for i in check_plan(plan_view(notts)) if "Late submission" in i.message]
        monkeypatch.setattr(deadlines, "now", lambda: datetime(2014, 4, 5, tzinfo=UTC))
        warnings = [i for i in check_plan(plan_view(notts)) if "Late submission" in i.message]
        assert warnings and warnings[0].level == WARNING

    def test_only_a_signed_off_plan_is_submitted_and_only_by_an_editor_or_the_chair(self, client, ready, signed_off):
        with pytest.raises(access.NotAllowed):
            workflow.plan_submit(plan=signed_off, user=person(NOTTS_COUNCIL))
        client.force_login(person(NOTTS_REVIEWER))
        assert client.post(reverse("workflow:submit", args=[signed_off.pk])).status_code == 403
        submission = workflow.plan_submit(plan=signed_off, user=person(NOTTS_EDITOR))
        with pytest.raises(access.WrongState):
            workflow.plan_submit(plan=signed_off, user=person(NOTTS_EDITOR))
        assert Submission.objects.filter(plan=signed_off).get() == submission
        client.force_login(person(NOTTS_EDITOR))
        response = client.post(reverse("workflow:submit", args=[signed_off.pk]), follow=True)
        assert "You cannot submit this plan now: it has been submitted to the area team." in text_of(response)

    def test_downloads_are_scoped_and_bad_kinds_are_404(self, client, signed_off, run_jobs):
        workflow.plan_submit(plan=signed_off, user=person(NOTTS_EDITOR))
        run_jobs()
        client.force_login(person(RUTLAND_EDITOR))
        assert client.get(reverse("workflow:download", args=[signed_off.pk, "json"])).status_code == 404
        client.force_login(person(NOTTS_REVIEWER))
        assert client.get(reverse("workflow:download", args=[signed_off.pk, "json"])).status_code == 200
        assert client.get(reverse("workflow:download", args=[signed_off.pk, "exe"])).status_code == 404
        client.force_login(person("reviewer@ll-at.example.org"))  # another area team
        assert client.get(reverse("workflow:download", args=[signed_off.pk, "json"])).status_code == 404


# --- returning, assurance and the history ------------------------------------------------------------


class TestAfterSubmission:
    def test_a_reviewer_returns_the_plan_and_the_editors_are_emailed_why(
        self, client, signed_off, mailoutbox, django_capture_on_commit_callbacks, run_jobs
    ):
        workflow.plan_submit(plan=signed_off, user=person(NOTTS_EDITOR))
        with pytest.raises(access.NotAllowed):
            workflow.plan_return(plan=signed_off, user=person(NOTTS_EDITOR), reasons="Editors cannot return it")
        client.force_login(person(NOTTS_REVIEWER))
        response = client.post(reverse("workflow:return", args=[signed_off.pk]), {"reasons": ""})
        assert response.status_code == 400
        run_jobs()  # e-mails of what came before
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("workflow:return", args=[signed_off.pk]), {"reasons": "Quantify the NHS savings."})
        run_jobs()
        signed_off.refresh_from_db()
        assert signed_off.status == PlanStatus.RETURNED
        assert [m.to for m in mailoutbox] == [[NOTTS_EDITOR]]
        assert "Quantify the NHS savings." in mailoutbox[0].body
        assert f"/plans/{signed_off.pk}/resubmit/" in mailoutbox[0].body

    def test_assurance_outcome_is_recorded(self, signed_off):
        workflow.plan_submit(plan=signed_off, user=person(NOTTS_EDITOR))
        with pytest.raises(workflow.WorkflowError):
            workflow.plan_assure(plan=signed_off, user=person(NOTTS_REVIEWER), outcome="Fine")
        plan = workflow.plan_assure(plan=signed_off, user=person(NOTTS_REVIEWER), outcome="Approved with support")
        assert plan.status == PlanStatus.ASSURED

    def test_the_history_shows_every_transition_and_field_change(self, client, signed_off):
        workflow.plan_submit(plan=signed_off, user=person(NOTTS_EDITOR))
        client.force_login(person(NOTTS_EDITOR))
        page = text_of(client.get(reverse("plans:history", args=[signed_off.pk])))
        for expected in (
            "Status Draft Awaiting sign-off",
            "Signed on behalf of NHS Bassetlaw CCG",
            "Signed on behalf of Nottinghamshire Health and Wellbeing Board",
            "Status Awaiting sign-off Signed off",
            "Status Signed off Submitted",
            "Version 1 submitted",
            "plan imported",
        ):
            assert expected in page, expected


# --- factories of the workflow states ----------------------------------------------------------------


class TestFactories:
    def test_signed_off_plan_factory_has_valid_signatures_in_template_order(self):
        plan = SignedOffPlanFactory()
        blocks = plan_view(plan).signatures
        assert [b.kind for b in blocks] == ["ccg", "council", "hwb"] and all(b.valid for b in blocks)

    def test_awaiting_factory_has_someone_to_sign_each_block(self):
        from plans.models import RoleAssignment

        plan = AwaitingSignOffPlanFactory()
        signable = set()
        for assignment in RoleAssignment.objects.filter(hwb=plan.hwb).select_related("user"):
            signable |= {o.key for o in workflow.organisations_for(assignment.user, plan)}
        assert {b.key for b in plan_view(plan).signatures} == signable


class TestPagesNeverFail:
    """Bad input gets a page that explains it, never a 500."""

    def test_workflow_pages_in_the_wrong_state_redirect_with_a_message(self, client):
        plan = PlanFactory()
        editor, signatory, chair = editor_for(plan), signatory_for(plan), chair_for(plan)
        client.force_login(signatory)
        response = client.get(reverse("workflow:sign", args=[plan.pk]), follow=True)
        # Plain English: what they wanted, why not, what happens next (not "The plan is draft, so…").
        assert (
            "You cannot sign this plan yet: its editors are still working on it and have not sent it for "
            "sign-off. You will be emailed when it is ready for you to sign."
        ) in text_of(response)
        client.force_login(editor)
        for name in ("reopen", "submit", "resubmit"):
            response = client.post(reverse(f"workflow:{name}", args=[plan.pk]), follow=True)
            assert response.status_code == 200, name
        client.force_login(chair)
        assert client.get(reverse("workflow:submitted", args=[plan.pk])).status_code == 404

    def test_garbage_posts_are_form_errors(self, client):
        plan = AwaitingSignOffPlanFactory()
        signatory = signatory_for(plan, ccg=plan.ordered_ccgs()[0])
        client.force_login(signatory)
        for data in ({}, {"organisations": "nonsense"}, {"organisations": ["ccg:999999"]}):
            response = client.post(reverse("workflow:sign", args=[plan.pk]), data)
            assert response.status_code == 400, data
            # The error summary links to the first checkbox, which exists.
            target = re.search(r'govuk-error-summary__list">\s*<li><a href="#([^"]+)"', response.content.decode())[1]
            assert f'id="{target}"' in response.content.decode()
        response = client.post(reverse("workflow:decline", args=[plan.pk]), {"reason": "x" * 5000})
        assert response.status_code == 400
        assert not Signature.objects.filter(plan=plan).exists()
