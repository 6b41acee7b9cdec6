"""Forms of the workflow pages. They parse and check input; the transitions are plans.workflow.services's job."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from bcf.core.fields import CleanInputMixin

REASON_MAX = 2000


def _helper(*fields):
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*fields)
    return helper


class SignForm(CleanInputMixin, forms.Form):
    organisations = forms.MultipleChoiceField(
        label="Who are you signing for?",
        help_text="Select each organisation you are signing the plan on behalf of.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select the organisation you are signing for",
            "invalid_choice": "Select the organisation you are signing for",
        },
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].choices = [(o.key, o.name) for o in organisations]
        self.helper = _helper(Field.checkboxes("organisations", legend_size=Size.MEDIUM))


class DeclineForm(CleanInputMixin, forms.Form):
    reason = forms.CharField(
        label="Why are you declining to sign the plan?",
        help_text="The editors will see this and it is kept in the plan's history.",
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Enter the reason you are declining to sign the plan",
            "max_length": f"The reason must be {REASON_MAX:,} characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.textarea("reason", rows=5, label_size=Size.MEDIUM, max_characters=REASON_MAX))


class ReopenForm(CleanInputMixin, forms.Form):
    reason = forms.CharField(
        label="What needs to change? (optional)",
        help_text="The signatories whose signatures are voided will see this.",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "What needs to change must be 500 characters or fewer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.textarea("reason", rows=3, label_size=Size.SMALL))


class ReturnForm(CleanInputMixin, forms.Form):
    reasons = forms.CharField(
        label="Why is the plan being returned?",
        help_text="The plan's editors are emailed these reasons.",
        max_length=REASON_MAX * 5,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "Enter the reasons the plan is being returned",
            "max_length": f"The reasons must be {REASON_MAX * 5:,} characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.textarea("reasons", rows=6, label_size=Size.MEDIUM))


class ResubmitForm(CleanInputMixin, forms.Form):
    target = forms.ChoiceField(
        label="Which round is the new version for?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose which round the new version is for",
            "invalid_choice": "Choose which round the new version is for",
        },
    )

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = {t.value: t for t in targets}
        self.fields["target"].choices = [(t.value, t.label) for t in targets]
        if len(targets) == 1:
            self.fields["target"].initial = targets[0].value
        self.helper = _helper(Field.radios("target", legend_size=Size.MEDIUM))

    def chosen(self):
        return self.targets[self.cleaned_data["target"]]


class CompareForm(CleanInputMixin, forms.Form):
    old = forms.TypedChoiceField(label="Earlier version", coerce=int)
    new = forms.TypedChoiceField(label="Later version", coerce=int)

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            (v.pk, f"Version {v.version}: {v.get_round_display()}, {v.get_status_display().lower()}") for v in versions
        ]
        for name in ("old", "new"):
            self.fields[name].choices = choices
            self.fields[name].error_messages["invalid_choice"] = "Choose a version of this plan"
            self.fields[name].error_messages["required"] = "Choose a version of this plan"
        self.helper = _helper(Field.select("old"), Field.select("new"))
        # Sent with GET (a comparison changes nothing and can be bookmarked): no CSRF token in the address.
        self.helper.form_method = "get"

    def clean(self):
        data = super().clean()
        if data.get("old") is not None and data.get("old") == data.get("new"):
            self.add_error("new", "Choose two different versions")
        return data
