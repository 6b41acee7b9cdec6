"""Versions of a plan: resubmission copies a submitted version into a new draft (optionally on the
newer template), earlier versions stay downloadable unchanged, and two versions can be compared
section by section."""

import hashlib
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bcf.core.jobs import run_jobs
from plans import access
from plans.content.document import plan_document
from plans.content.selectors import plan_view
from plans.content.services import answers_save, summary_save
from plans.editing import row_delete, row_save, section_revision
from plans.models import Answer, ChangeRecord, Plan, PlanStatus, RelatedDocument, Risk, Submission, UnplacedAnswer
from plans.outputs.compare import compare_documents, text_diff, version_document
from plans.workflow import services as workflow
from schemes.models import Scheme
from tests.plans.workflow.test_workflow import (
    NOTTS_CHAIR,
    NOTTS_EDITOR,
    NOTTS_REVIEWER,
    RUTLAND_EDITOR,
    _fast_passwords,  # noqa: F401 - the autouse fixture applies here too
    person,
    sign_all_but_chair,
    sign_as,
    text_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"


def submitted_plan(plan):
    editor = person(NOTTS_EDITOR)
    plan = workflow.plan_mark_ready(plan=plan, user=editor)
    plan = sign_as(NOTTS_CHAIR, sign_all_but_chair(plan))
    workflow.plan_submit(plan=plan, user=editor)
    run_jobs()  # the worker stores the version's files
    plan.refresh_from_db()
    return plan


@pytest.fixture
def submitted(demo):
    return submitted_plan(demo["nottinghamshire"])


@pytest.fixture
def returned(submitted):
    return workflow.plan_return(plan=submitted, user=person(NOTTS_REVIEWER), reasons="Quantify the NHS savings.")


def stored_hashes(plan):
    return {f.kind: (f.sha256, hashlib.sha256(bytes(f.content)).hexdigest()) for f in plan.submission.files.all()}


class TestResubmission:
    def test_a_returned_plan_is_copied_into_a_new_draft_version_and_the_old_one_stays(self, returned):
        before = stored_hashes(returned)
        new = workflow.resubmission_start(plan=returned, user=person(NOTTS_EDITOR))
        returned.refresh_from_db()
        assert (new.version, new.previous, new.status, new.is_current) == (2, returned, PlanStatus.DRAFT, True)
        assert (returned.status, returned.is_current) == (PlanStatus.RETURNED, False)
        assert (new.edition, new.round) == (returned.edition, returned.round)
        # A faithful copy: the same content, so the same hash as the version submitted.
        assert plan_view(new).content_hash == returned.submission.content_hash
        assert not new.signatures.exists()
        # The new version is editable; the old one is not touched by editing it.
        answers_save(
            plan=new,
            user=person(NOTTS_EDITOR),
            section="vision",
            revision=section_revision(new, "vision"),
            values={"vision.vision": {"text": "A new vision for version 2."}},
        )
        assert Answer.objects.get(plan=returned, key="vision.vision").text != "A new vision for version 2."
        assert stored_hashes(returned) == before
        assert all(stored == actual for stored, actual in before.values())
        assert ChangeRecord.objects.filter(plan=new, field="Resubmission started").exists()

    def test_the_next_round_moves_the_plan_to_the_newer_edition_carrying_answers_by_key(self, submitted):
        targets = workflow.resubmission_targets(submitted)
        assert [(t.edition, t.round) for t in targets] == [("2014-09", "revised")]  # submitted: next round only
        old_answers = {a.key: a for a in Answer.objects.filter(plan=submitted)}
        new = workflow.resubmission_start(plan=submitted, user=person(NOTTS_EDITOR), edition="2014-09", round="revised")
        assert (new.edition, new.round, new.version) == ("2014-09", "revised", 2)
        new_answers = {a.key: a for a in Answer.objects.filter(plan=new)}
        for key in ("vision.vision", "conditions.seven_day", "conditions.social_care_definition"):
            assert new_answers[key].text == old_answers[key].text, key
        assert "vision.aims" not in new_answers  # not a question of the September template...
        # ...so its answer goes where plans/editions/moves.py says: 2 b) outcomes; 2 d) to 8 c).
        assert new_answers["vision.outcomes"].text == old_answers["vision.aims"].text
        assert new_answers["engagement.acute_implications"].text == old_answers["schemes.acute_implications"].text
        assert [s.ref for s in Scheme.objects.filter(plan=new)] == ["T1", "T2", "T3", "T4", "T5", "T6"]
        assert Risk.objects.filter(plan=new).count() == Risk.objects.filter(plan=submitted).count()
        # What has no place in the new template is kept beside the plan, and the history says so.
        assert UnplacedAnswer.objects.filter(plan=new, key="conditions.open_apis").exists()
        left_behind = ChangeRecord.objects.get(plan=new, field="Not carried over to the new edition").old
        assert "kept on the plan page" in left_behind
        # The submitted version is unchanged and still answers its own questions.
        assert "vision.aims" in {a.key for a in Answer.objects.filter(plan=submitted)}

    def test_only_one_new_version_is_started_from_a_version(self, client, returned):
        new = workflow.resubmission_start(plan=returned, user=person(NOTTS_EDITOR))
        with pytest.raises(workflow.ResubmissionExists):
            workflow.resubmission_start(plan=returned, user=person(NOTTS_EDITOR))
        client.force_login(person(NOTTS_EDITOR))
        response = client.post(reverse("workflow:resubmit", args=[returned.pk]), {"target": "2014-04/final"})
        assert response.status_code == 302 and response.url == reverse("plans:overview", args=[new.pk])
        assert Plan.objects.filter(previous=returned).count() == 1

    def test_the_resubmit_page_offers_the_rounds_and_refuses_others(self, client, returned):
        client.force_login(person(NOTTS_EDITOR))
        page = text_of(client.get(reverse("workflow:resubmit", args=[returned.pk])))
        assert "Final round, April 2014 (original template)" in page
        assert "Revised round, September 2014 (revised template)" in page
        response = client.post(reverse("workflow:resubmit", args=[returned.pk]), {"target": "2014-04/first-draft"})
        assert response.status_code == 400
        assert "Choose which round the new version is for" in text_of(response)
        response = client.post(reverse("workflow:resubmit", args=[returned.pk]), {"target": "2014-09/revised"})
        assert "Check what moves to the new template" in text_of(response)  # a preview first, nothing made
        assert not Plan.objects.filter(previous=returned).exists()
        response = client.post(
            reverse("workflow:resubmit", args=[returned.pk]), {"target": "2014-09/revised", "confirm": "move"}
        )
        new = Plan.objects.get(previous=returned)
        assert response.url == reverse("plans:overview", args=[new.pk]) and new.edition == "2014-09"
        client.force_login(person(NOTTS_REVIEWER))
        assert client.get(reverse("workflow:resubmit", args=[returned.pk])).status_code == 403

    def test_drafts_cannot_be_resubmitted(self, demo):
        with pytest.raises(access.WrongState):
            workflow.resubmission_start(plan=demo["nottinghamshire"], user=person(NOTTS_EDITOR))

    def test_uploaded_files_are_copied_so_the_new_draft_never_shares_them(self, demo):
        plan = demo["nottinghamshire"]
        document = RelatedDocument.objects.filter(plan=plan).first()
        document.file = SimpleUploadedFile("schemes.pdf", b"%PDF-1.4 the planned schemes")
        document.original_filename, document.content_type, document.size = "schemes.pdf", "application/pdf", 28
        document.save()
        plan = submitted_plan(plan)
        workflow.plan_return(plan=plan, user=person(NOTTS_REVIEWER), reasons="Again")
        new = workflow.resubmission_start(plan=plan, user=person(NOTTS_EDITOR))
        copy = RelatedDocument.objects.get(plan=new, title=document.title)
        assert copy.file.name != document.file.name and copy.file.name.startswith(f"plans/{new.pk}/")
        assert copy.file.read() == b"%PDF-1.4 the planned schemes"
        row_delete(
            plan=new,
            user=person(NOTTS_EDITOR),
            section="documents",
            revision=section_revision(new, "documents"),
            instance=copy,
            label=lambda d: d.title,
        )
        document.refresh_from_db()
        assert document.file.storage.exists(document.file.name)


class TestVersionsPage:
    def test_every_version_is_listed_with_its_stored_files_and_downloads_stay_the_same(self, client, returned):
        v1_bytes = {f.kind: bytes(f.content) for f in returned.submission.files.all()}
        new = workflow.resubmission_start(plan=returned, user=person(NOTTS_EDITOR))
        new = submitted_plan(new)
        client.force_login(person(NOTTS_EDITOR))
        page = client.get(reverse("workflow:versions", args=[new.pk]))
        text = text_of(page)
        assert "Version 2: Final round" in text and "Version 1: Final round" in text
        for stored in Submission.objects.get(plan=returned).files.all():
            assert stored.sha256 in text
            response = client.get(reverse("workflow:download", args=[returned.pk, stored.kind]))
            assert response.content == v1_bytes[stored.kind]
        # Version 2's JSON says it is version 2; version 1's still says 1.
        assert b'"version": 2' in bytes(new.submission.files.get(kind="json").content)
        assert b'"version": 1' in v1_bytes["json"]

    def test_another_hwb_cannot_see_the_versions(self, client, submitted):
        client.force_login(person(RUTLAND_EDITOR))
        assert client.get(reverse("workflow:versions", args=[submitted.pk])).status_code == 404
        assert client.get(reverse("workflow:compare", args=[submitted.pk])).status_code == 404


@pytest.fixture
def two_versions(returned):
    """Version 2 of Nottinghamshire with a sentence changed, a risk added, a scheme removed and a figure changed."""
    editor = person(NOTTS_EDITOR)
    new = workflow.resubmission_start(plan=returned, user=editor)
    vision = Answer.objects.get(plan=new, key="vision.vision")
    first_sentence = re.split(r"(?<=\.)\s", vision.text, maxsplit=1)[0]
    answers_save(
        plan=new,
        user=editor,
        section="vision",
        revision=section_revision(new, "vision"),
        values={
            "vision.vision": {"text": vision.text.replace(first_sentence, "Integrated care for everyone by 2019.")}
        },
    )
    row_save(
        plan=new,
        user=editor,
        section="risks",
        revision=section_revision(new, "risks"),
        instance=Risk(plan=new),
        values={"risk": "Winter pressures delay the schemes", "rating": "High", "mitigation": "Surge plan"},
        label=lambda r: f"Risk {r.position}",
    )
    scheme = Scheme.objects.get(plan=new, ref="T6")
    section = new.edition_def.section_of_kind("schemes").slug
    row_delete(
        plan=new,
        user=editor,
        section=section,
        revision=section_revision(new, section),
        instance=scheme,
        label=lambda s: f"Scheme {s.ref}",
    )
    values = {name: getattr(new, name) for name in ("total_agreed_2014_15",)}
    values["total_agreed_2014_15"] = values["total_agreed_2014_15"] + 1000
    summary_save(plan=new, user=editor, revision=section_revision(new, "summary"), values=values)
    return returned, new, first_sentence


class TestComparison:
    def test_text_diff_marks_added_and_removed_words_and_escapes_everything(self):
        diff = str(text_diff("Care <b>at</b> home by 2018", "Care <b>at</b> home by 2019 & beyond"))
        assert '<del class="bcf-history-old"><span class="govuk-visually-hidden">removed: </span>2018</del>' in diff
        assert "2019 &amp; beyond</ins>" in diff
        assert "<b>" not in diff and "&lt;b&gt;at&lt;/b&gt;" in diff

    def test_the_comparison_page_shows_changes_section_by_section(self, client, two_versions):
        old, new, first_sentence = two_versions
        client.force_login(person(NOTTS_EDITOR))
        response = client.get(reverse("workflow:compare", args=[new.pk]), {"old": old.pk, "new": new.pk})
        assert response.status_code == 200
        body = response.content.decode()
        text = text_of(response)
        assert "Changes from version 1 to version 2" in text
        # Text: the removed sentence struck through, the new one marked added, in its section.
        vision = body[body.index("2 a) Vision for health and care services") :]
        assert re.search(r"<del[^>]*>.*?" + re.escape(first_sentence.split()[0]), vision, re.S)
        assert re.search(r"<ins[^>]*>.*?Integrated care for everyone by 2019", vision, re.S)
        # Tables: a risk added, a scheme removed.
        assert re.search(r"Added Risk \d+ added .*Winter pressures delay the schemes", text)
        assert "Removed Scheme T6 removed" in text
        # Figures: old → new.
        assert "Total agreed value of the pooled budget 2014/15 was: £33,971,484.00 → now: £33,972,484.00" in text
        # Each changed section says in a line what changed; its changes are folded under it.
        assert re.search(r"2 a\) Vision for health and care services 1 paragraph changed Show the changes", text)
        assert re.search(r"4\) Risks 1 risk added Show the changes", text)
        # Sections without changes are listed as such, folded away.
        no_changes = text.split("sections with no changes")[-1]
        assert "3 b) 7 day services to support discharge" in no_changes and "2 a) Vision" not in no_changes

    def test_sections_follow_the_template_and_submitted_versions_compare_as_stored(self, two_versions):
        old, new, _ = two_versions
        stored = version_document(old)
        assert stored == json.loads(bytes(old.submission.files.get(kind="json").content))
        sections = compare_documents(stored, plan_document(plan_view(new)))
        headings = [s.heading for s in sections]
        assert headings[:3] == [
            "1 a) Summary of Plan",
            "1 b) Authorisation and signoff",
            "1 c) Service provider engagement",
        ]
        changed = {s.heading for s in sections if s.changed}
        # The signatures of version 1 are not on the unsigned draft: that is shown too.
        assert "1 b) Authorisation and signoff" in changed
        assert "4) Risks" in changed or any("Risks" in h for h in changed)

    def test_a_plan_moved_to_the_newer_edition_lists_what_only_the_older_had(self, submitted):
        new = workflow.resubmission_start(plan=submitted, user=person(NOTTS_EDITOR), edition="2014-09", round="revised")
        sections = compare_documents(version_document(submitted), version_document(new))
        older = next(s for s in sections if s.heading.startswith("Questions only in the"))
        assert any("2 b) Aims and objectives" in c.label for c in older.changes)

    @pytest.mark.parametrize(
        "query",
        [{"old": "abc", "new": "1"}, {"old": "999999", "new": "1"}, {"old": "same", "new": "same"}, {"old": ""}],
    )
    def test_bad_choices_are_explained_not_a_500(self, client, two_versions, query):
        old, new, _ = two_versions
        query = {k: (str(old.pk) if v == "same" else v) for k, v in query.items()}
        client.force_login(person(NOTTS_EDITOR))
        response = client.get(reverse("workflow:compare", args=[new.pk]), query)
        assert response.status_code == 400
        assert "There is a problem" in text_of(response)

    def test_another_hwbs_plan_cannot_be_smuggled_into_a_comparison(self, client, two_versions, demo):
        old, new, _ = two_versions
        client.force_login(person(NOTTS_EDITOR))
        response = client.get(reverse("workflow:compare", args=[new.pk]), {"old": demo["rutland"].pk, "new": new.pk})
        assert response.status_code == 400
        assert "Rutland" not in text_of(response)
