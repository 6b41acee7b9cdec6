"""Form fields and the row form every structured table uses: money, percentages, yes/no, dates."""

from decimal import Decimal

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout
from django import forms

from bcf.core.money import ParseError, parse_money, parse_percent

LONG_TEXT_MAX = 60_000
# A whole plan brought in by an import (plans/content/plan_json.py): each text at most LONG_TEXT_MAX,
# as the forms take it, and this in all, so no file brings in a plan nobody could lay out.
PLAN_TEXT_MAX = 2_000_000
BREAKDOWN_ROWS_SPARE = 3
YES_NO = [("yes", "Yes"), ("no", "No")]


def numeric(decimal=False):
    """GOV.UK advice: a text input with a numeric keyboard rather than type=number."""
    return forms.TextInput(attrs={"inputmode": "decimal" if decimal else "numeric", "spellcheck": "false"})


class MoneyField(forms.CharField):
    """Pounds and pence as officers type them: "£1,234,567.89", "1234567" or "£1.2m"."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 40)
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"£{value:,.2f}"
        return value

    def clean(self, value):
        value = super().clean(value)
        try:
            return parse_money(value)
        except ParseError as exc:
            raise forms.ValidationError(str(exc)) from None


class PercentField(forms.CharField):
    def __init__(self, *args, minimum=Decimal(0), maximum=Decimal(100), **kwargs):
        self.minimum, self.maximum = minimum, maximum
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{value.normalize():f}"
        return value

    def clean(self, value):
        value = super().clean(value)
        try:
            return parse_percent(value, minimum=self.minimum, maximum=self.maximum)
        except ParseError as exc:
            raise forms.ValidationError(str(exc)) from None


class YesNoField(forms.TypedChoiceField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", YES_NO)
        kwargs.setdefault("widget", forms.RadioSelect)
        kwargs.setdefault("coerce", lambda v: v == "yes")
        kwargs.setdefault("empty_value", None)
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if value is True:
            return "yes"
        if value is False:
            return "no"
        return value


def date_field(label, **kwargs):
    field = DateInputField(label=label, required=False, require_all_fields=False, **kwargs)
    field.error_messages["invalid"] = "Enter a real date, for example 17 9 2014"
    return field


class RowForm(forms.Form):
    """A row of a structured table; `values()` gives the model values for the service."""

    revision = forms.IntegerField(widget=forms.HiddenInput)
    layout_fields = ()

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout("revision", *self.build_layout())

    def build_layout(self):
        return [name for name in self.fields if name != "revision"]

    def values(self):
        data = {k: v for k, v in self.cleaned_data.items() if k != "revision"}
        for key, value in data.items():
            if isinstance(value, str):
                data[key] = value.replace("\r\n", "\n").strip()
        return data
