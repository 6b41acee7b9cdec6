"""Form fields and the row form every structured table uses: money, percentages, yes/no, dates,
numbers; and `CleanInputMixin`, which goes first in every form's bases.

The mixin takes control characters and direction overrides out of what was posted, and writes each
field's default Django messages the way the GOV.UK Design System's error-message guidance does ("Task
must be 60,000 characters or fewer"), naming the field by its `error_name` or its label. Numbers are
read by bcf.core.validation: ASCII digits within a range.
"""

import datetime
import re
from decimal import Decimal

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout
from django import forms
from django.core.validators import RegexValidator
from django.http import QueryDict

from bcf.core.money import ParseError, parse_money, parse_percent
from bcf.core.validation import LONG_TEXT_MAX as LONG_TEXT_MAX  # the forms import the limit from here
from bcf.core.validation import InvalidInput, clean_filename, clean_text, is_ascii_digits, parse_number

# A whole plan brought in by an import (plans/content/plan_json.py): each text at most LONG_TEXT_MAX,
# as the forms take it, and this in all, so no file brings in a plan nobody could lay out.
PLAN_TEXT_MAX = 2_000_000
BREAKDOWN_ROWS_SPARE = 3
YES_NO = [("yes", "Yes"), ("no", "No")]


YEAR_MIN, YEAR_MAX = 1990, 2100
_DJANGO_REQUIRED = "This field is required."
_NOT_A_NAME = re.compile(r"\s*\((optional|.*only if.*)\)\s*$", re.IGNORECASE)


def error_name(field, html_name=""):
    """How a message names the field: its `error_name`, else its label made short."""
    name = getattr(field, "error_name", None)
    if name:
        return name
    label = str(field.label or html_name.replace("_", " ") or "This").strip()
    label = _NOT_A_NAME.sub("", label).rstrip(" ?:")
    if len(label) > 70:
        return "Your answer"
    return label[:1].upper() + label[1:]


def named(name, field):
    """`field`, called `name` in its error messages ("The risk must be 60,000 characters or fewer")."""
    field.error_name = name
    return field


def _lower_first(name):
    return name if name[:2].isupper() else name[:1].lower() + name[1:]


class CleanInputMixin:
    """Strip unwanted characters from posted text and give every field GOV.UK-style messages."""

    password_fields = ("password",)

    def full_clean(self):
        if self.is_bound and isinstance(self.data, QueryDict | dict):
            self.data = self._cleaned_copy(self.data)
        for html_name, field in self.fields.items():
            self._govuk_messages(html_name, field)
        super().full_clean()

    def _cleaned_copy(self, data):
        if isinstance(data, QueryDict):
            copy = QueryDict(mutable=True)
            for key, values in data.lists():
                keep = key in self.password_fields
                copy.setlist(clean_text(key), [v if keep else clean_text(v) for v in values])
            copy._mutable = False
            return copy
        return {
            clean_text(k): (v if k in self.password_fields else clean_text(v)) if isinstance(v, str) else v
            for k, v in data.items()
        }

    def _govuk_messages(self, html_name, field):
        if getattr(field, "_govuk_messages_set", False):
            return
        field._govuk_messages_set = True
        name = error_name(field, html_name)
        # Django fills the length and choice messages in with "%" formatting: a label such as
        # "Percentage (%)" must not be read there as a format character.
        formatted = name.replace("%", "%%")
        messages = field.error_messages
        max_length = getattr(field, "max_length", None)
        if max_length and "max_length" not in messages:  # a message set by the form itself is kept
            messages["max_length"] = f"{formatted} must be {max_length:,} characters or fewer"
        if str(messages.get("required")) == _DJANGO_REQUIRED:
            messages["required"] = f"Enter {_lower_first(name)}"
        if "invalid_choice" in messages and str(messages["invalid_choice"]).startswith("Select a valid choice"):
            messages["invalid_choice"] = "Choose one of the options given for " + _lower_first(formatted)
        if isinstance(field, forms.IntegerField) and str(messages.get("invalid")) == "Enter a whole number.":
            messages["invalid"] = f"{name} must be a whole number"


class NumberField(forms.CharField):
    """A count or a figure as people type it: "2,943", "2943", "85.2"; ASCII digits, within a range."""

    def __init__(self, *args, places=0, minimum=0, maximum=None, error_name=None, **kwargs):
        self.places, self.minimum, self.maximum = places, minimum, maximum
        self.error_name = error_name
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal" if places else "numeric"}))
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{value.normalize():f}"
        return value

    def clean(self, value):
        text = super().clean(value)
        try:
            return parse_number(
                text, name=error_name(self), places=self.places, minimum=self.minimum, maximum=self.maximum
            )
        except InvalidInput as exc:
            raise forms.ValidationError(str(exc)) from None


class RevisionField(forms.CharField):
    """The hidden revision a page was opened at. A missing or malformed one is refused as stale, by
    `plans.services.parse_revision`, so the field itself accepts any short text."""

    widget = forms.HiddenInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 40)
        super().__init__(*args, **kwargs)


class GovDateField(DateInputField):
    """The GOV.UK date input: ASCII digits, a year in range, a date that exists ("Enter a real date")."""

    def __init__(self, *, error_name=None, **kwargs):
        self.error_name = error_name
        super().__init__(**kwargs)
        self.error_messages["invalid"] = "Enter a real date, for example 17 9 2014"
        for part in self.fields:  # one message for any part that is not ASCII digits
            part.validators = [RegexValidator(r"^[0-9]+\Z", self.error_messages["invalid"])]

    def compress(self, data_list):
        day, month, year = data_list
        if not (day and month and year):
            return None
        if not all(is_ascii_digits(str(part).strip()) for part in (day, month, year)):
            raise forms.ValidationError(self.error_messages["invalid"])
        day, month, year = (str(part).strip() for part in (day, month, year))
        if len(year) != 4 or not YEAR_MIN <= int(year) <= YEAR_MAX:
            raise forms.ValidationError(f"The year must be between {YEAR_MIN} and {YEAR_MAX}, for example 2014")
        if len(day) > 2 or len(month) > 2:
            raise forms.ValidationError(self.error_messages["invalid"])
        try:
            return datetime.date(int(year), int(month), int(day))
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"]) from None


def clean_upload_name(upload):
    """Give an uploaded file a name safe to show and send back (no controls or direction overrides)."""
    if upload is not None:
        upload.name = clean_filename(upload.name)
    return upload


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
    return GovDateField(label=label, required=False, require_all_fields=False, **kwargs)


class RowForm(CleanInputMixin, forms.Form):
    """A row of a structured table; `values()` gives the model values for the service."""

    revision = RevisionField()
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
