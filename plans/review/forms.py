"""Forms of the area team's review pages and the national dashboard: they parse input only."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from bcf.core.fields import CleanInputMixin, NumberField
from plans.models import AssuranceOutcomeChoice, PlanStatus
from plans.review.selectors import NO_OUTCOME
from plans.review.services import COMMENT_MAX

TEXT_MAX = 5000


class AreaFilterForm(CleanInputMixin, forms.Form):
    """The list's filters, from the query string: an unknown value is ignored, never an error page."""

    state = forms.ChoiceField(label="State", required=False, choices=[("", "Any state"), *PlanStatus.choices])
    outcome = forms.ChoiceField(
        label="Assurance outcome",
        required=False,
        choices=[("", "Any outcome"), *AssuranceOutcomeChoice.choices, (NO_OUTCOME, "No outcome yet")],
    )
    late = forms.ChoiceField(
        label="Submitted late", required=False, choices=[("", "Late or on time"), ("yes", "Late"), ("no", "Not late")]
    )
    sort = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)

    def values(self):
        """The valid filters (invalid ones dropped), as a dict for the selector."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) or "" for name in ("state", "outcome", "late", "sort")}


class CommentForm(CleanInputMixin, forms.Form):
    text = forms.CharField(
        label="Comment",
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter your comment",
            "max_length": f"Your comment must be {COMMENT_MAX:,} characters or fewer",
        },
    )
    parent = NumberField(required=False, minimum=1, maximum=2**31 - 1, widget=forms.HiddenInput)


class OutcomeForm(CleanInputMixin, forms.Form):
    outcome = forms.ChoiceField(
        label="Assurance outcome",
        choices=AssuranceOutcomeChoice.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the assurance outcome", "invalid_choice": "Choose the assurance outcome"},
    )
    conditions = forms.CharField(
        label="Conditions",
        help_text="Required when the plan is approved subject to conditions. The HWB sees these.",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    comment = forms.CharField(
        label="Overall comment (optional)",
        help_text="Your overall view of the plan, kept with the outcome.",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    reason = forms.CharField(
        label="Why are you correcting the outcome?",
        help_text="Kept in the plan's history with the outcome it replaces.",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, correcting=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.correcting = correcting
        if not correcting:
            del self.fields["reason"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("outcome", legend_size=Size.MEDIUM),
            Field.textarea("conditions", rows=4, max_characters=TEXT_MAX),
            Field.textarea("comment", rows=4, max_characters=TEXT_MAX),
            *([Field.textarea("reason", rows=3, max_characters=1000)] if correcting else []),
        )

    def clean(self):
        data = super().clean()
        if (
            data.get("outcome") == AssuranceOutcomeChoice.APPROVED_SUBJECT_TO_CONDITIONS
            and not (data.get("conditions") or "").strip()
        ):
            self.add_error("conditions", "Enter the conditions the plan is approved subject to")
        if self.correcting and not (data.get("reason") or "").strip():
            self.add_error("reason", "Enter why you are correcting the outcome")
        return data
