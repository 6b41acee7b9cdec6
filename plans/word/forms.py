"""Forms of "Start from a Word document": the upload (read and parsed in `clean`) and the review."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from bcf.core.fields import CleanInputMixin

from ..editions import EDITION_CHOICES, ROUND_CHOICES, get_edition, question_label
from ..models import Plan, PlanStatus
from .importer import parse_document
from .reader import DocumentError, max_upload_bytes, read_upload

DISCARD = ""


class BoardChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class WordUploadForm(CleanInputMixin, forms.Form):
    hwb = BoardChoiceField(
        queryset=None,
        label="Which Health and Wellbeing Board is the plan for?",
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the Health and Wellbeing Board", "invalid_choice": "Select a Board"},
    )
    edition = forms.ChoiceField(
        choices=EDITION_CHOICES,
        widget=forms.RadioSelect,
        label="Which template edition is the document written on?",
        help_text="The April 2014 template has 4 sections; the September 2014 template has 8 and Annex 1 and 2.",
        error_messages={"required": "Select the template edition of the document"},
    )
    round = forms.ChoiceField(
        choices=ROUND_CHOICES,
        widget=forms.RadioSelect,
        label="Which submission round is the plan for?",
        error_messages={"required": "Select the submission round"},
    )
    file = forms.FileField(
        label="Upload the document",
        error_messages={"required": "Choose the Word document to upload", "empty": "The selected file is empty"},
    )

    def __init__(self, *args, boards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hwb"].queryset = boards
        limit = max_upload_bytes() // (1024 * 1024)
        self.fields["file"].help_text = (
            f"A Word document (.docx), or its text as a .txt or .md file, smaller than {limit} MB. "
            "Documents with macros (.docm) and old .doc files are not accepted."
        )
        self.fields["file"].widget.attrs["accept"] = ".docx,.txt,.md"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.single_board = boards.first() if len(boards) == 1 else None
        if self.single_board is not None:  # an editor of one Board is not asked which
            self.fields["hwb"].widget = forms.HiddenInput()
            self.fields["hwb"].initial = self.single_board.pk
            hwb_field = Field("hwb")
        else:
            hwb_field = Field.radios("hwb", legend_size=Size.MEDIUM)
        self.helper.layout = Layout(
            hwb_field,
            Field.radios("edition", legend_size=Size.MEDIUM),
            Field.radios("round", legend_size=Size.MEDIUM, inline=True),
            Field("file"),
        )

    def clean(self):
        cleaned = super().clean()
        edition, round_code, upload = cleaned.get("edition"), cleaned.get("round"), cleaned.get("file")
        if edition and round_code:
            rounds = get_edition(edition).rounds
            if round_code not in [code for code, _, _ in rounds]:
                names = " or ".join(f"“{label}”" for _, label, _ in rounds)
                self.add_error("round", f"The {get_edition(edition).name} template has the round {names}")
                return cleaned
        board = cleaned.get("hwb")
        if board is not None and round_code:
            current = Plan.objects.filter(hwb=board, round=round_code, is_current=True).first()
            if current is not None and current.status != PlanStatus.DRAFT:
                # A new draft would push a plan in sign-off or already submitted out of its round.
                self.add_error(
                    "round",
                    f"{board.name}'s {current.get_round_display().lower()} plan is "
                    f"{current.get_status_display().lower()}: choose another round, or reopen or resubmit "
                    "that plan from its page",
                )
                return cleaned
        if upload is None or not edition or self.errors:
            return cleaned
        if upload.size > max_upload_bytes():
            self.add_error("file", f"The selected file must be smaller than {max_upload_bytes() // (1024 * 1024)} MB")
            return cleaned
        try:
            blocks = read_upload(upload.name, upload.read())
            cleaned["draft"] = parse_document(blocks, edition, round=round_code, filename=upload.name[:200])
        except DocumentError as exc:
            self.add_error("file", str(exc))
        return cleaned


def place_choices(edition_code):
    """Every question of the edition, as the review page offers them, after "Discard this text"."""
    edition = get_edition(edition_code)
    choices = [(DISCARD, "Discard this text")]
    for section in edition.sections:
        for question in section.questions:
            label = question_label(section, question)
            prompt = question.prompt if len(question.prompt) <= 70 else question.prompt[:67].rstrip() + "…"
            choices.append((question.key, f"{label}: {prompt}"))
    return choices


class WordReviewForm(CleanInputMixin, forms.Form):
    """One choice per unplaced passage: a question to put it in, or discard (the default)."""

    def __init__(self, *args, draft, **kwargs):
        super().__init__(*args, **kwargs)
        self.draft = draft
        choices = place_choices(draft.edition)
        for item in draft.unplaced:
            self.fields[f"item_{item.id}"] = forms.ChoiceField(
                choices=choices,
                required=False,
                initial=DISCARD,
                label="Put this text in",
                error_messages={"invalid_choice": "Choose a question from the list, or discard the text"},
            )
        self.helper = FormHelper()
        self.helper.form_tag = False

    def assignments(self):
        return {item.id: self.cleaned_data.get(f"item_{item.id}") or None for item in self.draft.unplaced}
