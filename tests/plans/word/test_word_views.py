""" "Start from a Word document" as an editor uses it: upload, review what was placed, put the
unplaced text somewhere or discard it, confirm. Nothing is saved before the confirmation."""

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plans.models import Answer, Plan, Risk, Role
from plans.word.views import SESSION_KEY
from tests.factories import PlanFactory, RoleFactory, UserFactory, editor_for
from tests.plans.word import docs


def text_of(response):
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


@pytest.fixture
def board_plan(db):
    return PlanFactory(original=True, hwb__name="Sandford Health and Wellbeing Board")


def upload(client, plan, data, name="sandford.docx", edition="2014-04", round="final"):
    return client.post(
        reverse("word:upload"),
        {"hwb": plan.hwb.pk, "edition": edition, "round": round, "file": SimpleUploadedFile(name, data)},
    )


def test_editor_sees_the_start_button_and_a_signatory_does_not(client, board_plan):
    client.force_login(editor_for(board_plan))
    assert 'id="start-from-word"' in client.get(reverse("plans:home")).content.decode()
    signatory = RoleFactory(role=Role.SIGNATORY, hwb=board_plan.hwb).user
    client.force_login(signatory)
    assert 'id="start-from-word"' not in client.get(reverse("plans:home")).content.decode()
    assert client.get(reverse("word:upload")).status_code == 404


def test_upload_review_and_confirm_creates_the_draft_with_the_editors_choices(client, board_plan):
    editor = editor_for(board_plan)
    client.force_login(editor)
    plans_before = Plan.objects.count()
    response = upload(client, board_plan, docs.officer_draft_bytes())
    assert response.status_code == 302
    review_url = response["Location"]
    assert Plan.objects.count() == plans_before  # nothing saved yet

    page = client.get(review_url)
    text = text_of(page)
    assert "Check what was found in sandford.docx" in text
    assert "Nothing has been saved yet" in text
    assert "1 c) Service provider engagement" in text and "Providers shaped the plan" in text
    assert "Circulated to Board members for comment" in text  # the unplaced note, with its choice
    assert "already has a final plan" in text
    assert "£1,250,000.00" in text and "£13,000,000.00" in text
    pending = client.session[SESSION_KEY]
    note = next(i for i in pending["draft"]["items"] if i["text"].startswith("Circulated"))

    response = client.post(review_url, {"action": "create", f"item_{note['id']}": "vision.vision"})
    assert response.status_code == 302
    plan = Plan.objects.exclude(pk=board_plan.pk).get(hwb=board_plan.hwb)
    assert response["Location"] == reverse("plans:overview", args=[plan.pk])
    assert plan.is_current and plan.created_by == editor and plan.edition == "2014-04"
    assert Answer.objects.get(plan=plan, key="vision.vision").text == (
        "Circulated to Board members for comment, not for publication."
    )
    assert Answer.objects.get(plan=plan, key="engagement.providers").text.startswith("Providers shaped")
    assert Risk.objects.filter(plan=plan).count() == 2
    assert plan.hwb.local_authority == board_plan.hwb.local_authority  # the Board keeps its own
    assert SESSION_KEY not in client.session
    banner = text_of(client.get(response["Location"]))
    assert "Draft plan created from sandford.docx" in banner


def test_unplaced_text_is_discarded_by_default_and_cancel_creates_nothing(client, board_plan):
    client.force_login(editor_for(board_plan))
    review_url = upload(client, board_plan, docs.officer_draft_bytes())["Location"]
    response = client.post(review_url, {"action": "cancel"})
    assert response.status_code == 302 and SESSION_KEY not in client.session
    assert Plan.objects.count() == 1

    review_url = upload(client, board_plan, docs.officer_draft_bytes())["Location"]
    client.post(review_url, {"action": "create"})
    plan = Plan.objects.get(hwb=board_plan.hwb, is_current=True)
    assert not Answer.objects.filter(plan=plan, text__contains="Circulated").exists()


def test_a_choice_that_is_not_a_question_is_refused_on_the_page(client, board_plan):
    client.force_login(editor_for(board_plan))
    review_url = upload(client, board_plan, docs.officer_draft_bytes())["Location"]
    note = next(i for i in client.session[SESSION_KEY]["draft"]["items"] if i["target"] is None)
    response = client.post(review_url, {"action": "create", f"item_{note['id']}": "summary"})
    assert response.status_code == 200
    assert "Choose a question from the list, or discard the text" in text_of(response)
    assert Plan.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("plan.docx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "The selected file is not a real Word document (.docx)"),
        ("plan.docm", None, "macro-enabled Word document (.docm)"),
        ("plan.docx", "macros", "The selected document contains macros"),
        ("plan.docx", "bomb", "zip bomb"),
        ("plan.docx", b"PK\x03\x04" + b"\x00" * (50 * 1024 * 1024), "The selected file must be smaller than 10 MB"),
        ("plan.docx", "empty", "The selected document is empty"),
    ],
)
def test_bad_files_get_a_gov_uk_error_and_nothing_is_kept(client, board_plan, name, data, message):
    data = {
        None: docs.officer_draft_bytes,
        "macros": lambda: docs.with_macros(docs.officer_draft_bytes()),
        "bomb": lambda: docs.zip_bomb(docs.officer_draft_bytes()),
        "empty": docs.empty_docx_bytes,
    }.get(data, lambda: data)()
    client.force_login(editor_for(board_plan))
    response = upload(client, board_plan, data, name=name)
    assert response.status_code == (413 if len(data) > 10 * 1024 * 1024 else 200)  # too large: body not read
    text = text_of(response)
    assert "There is a problem" in text and message in text
    assert '<a href="#id_file">' in response.content.decode()
    assert SESSION_KEY not in client.session
    assert Plan.objects.count() == 1


def test_another_editions_document_is_refused_in_the_browser(client, board_plan):
    from tests.plans.word import measure

    client.force_login(editor_for(board_plan))
    response = upload(client, board_plan, measure.seed_docx("rutland"), name="rutland.docx")
    assert "looks like the September 2014 (revised template) template" in text_of(response)
    response = upload(client, board_plan, docs.officer_draft_bytes(), edition="2014-09", round="final")
    assert "The September 2014 (revised template) template has the round “Revised”" in text_of(response)


def test_another_users_pending_document_is_not_shown(client, board_plan):
    client.force_login(editor_for(board_plan))
    review_url = upload(client, board_plan, docs.officer_draft_bytes())["Location"]
    client.force_login(editor_for(PlanFactory(original=True)))
    response = client.get(review_url)
    assert response.status_code == 302 and response["Location"] == reverse("word:upload")


def test_board_outside_the_editors_roles_cannot_be_chosen(client, board_plan):
    client.force_login(editor_for(board_plan))
    other = PlanFactory(original=True)
    response = upload(client, other, docs.officer_draft_bytes())
    assert "Select a Board" in text_of(response)
    assert Plan.objects.filter(hwb=other.hwb).count() == 1


def test_download_word_link_and_file_are_scoped_to_the_plan(client, board_plan):
    client.force_login(editor_for(board_plan))
    overview = client.get(reverse("plans:overview", args=[board_plan.pk])).content.decode()
    assert reverse("word:part1_docx", args=[board_plan.pk]) in overview
    response = client.get(reverse("word:part1_docx", args=[board_plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert response.content[:2] == b"PK"
    assert "sandford-health-and-wellbeing-board-part-1-v1.docx" in response["Content-Disposition"]
    stranger = UserFactory()
    client.force_login(stranger)
    assert client.get(reverse("word:part1_docx", args=[board_plan.pk])).status_code == 404


def test_choosing_more_text_than_an_answer_holds_is_refused_with_a_message(client, board_plan):
    client.force_login(editor_for(board_plan))
    paragraph = ("Word " * 2_200).strip()  # 10,999 characters
    text = "\n".join(
        [paragraph, "c) Service provider engagement", docs.PROVIDERS_PROMPT, *[paragraph] * 5]
    )  # 5 placed paragraphs (55,000 characters) and the first, unplaced, one
    review_url = upload(client, board_plan, text.encode(), name="long.txt")["Location"]
    unplaced = [i for i in client.session[SESSION_KEY]["draft"]["items"] if i["target"] is None]
    assert len(unplaced) == 1
    response = client.post(review_url, {"action": "create", f"item_{unplaced[0]['id']}": "engagement.providers"})
    assert response.status_code == 200
    # six paragraphs of 10,999 characters and the blank lines between them
    assert "The answer to 1 c) Service provider engagement would be 66,004 characters long" in text_of(response)
    assert Plan.objects.count() == 1
    assert SESSION_KEY in client.session  # still waiting: the editor can choose again


def test_an_upload_over_the_limit_is_refused_before_its_body_is_read(client, board_plan):
    client.force_login(editor_for(board_plan))
    response = client.post(
        reverse("word:upload"),
        data=b"x" * 1024,
        content_type="multipart/form-data; boundary=unread",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    assert response.status_code == 413
    text = text_of(response)
    assert "There is a problem" in text and "The selected file must be smaller than 10 MB" in text
    assert "Select the template edition" not in text  # only the file is named as wrong
    assert SESSION_KEY not in client.session and Plan.objects.count() == 1


def test_a_round_whose_plan_is_past_draft_is_not_replaced(client, db):
    submitted = PlanFactory(original=True, submitted=True)
    client.force_login(editor_for(submitted))
    response = upload(client, submitted, docs.officer_draft_bytes())
    assert response.status_code == 200
    assert "final plan is submitted: choose another round" in text_of(response)
    assert Plan.objects.count() == 1 and Plan.objects.get().is_current
