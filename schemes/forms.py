"""Forms for schemes, their Annex 1 descriptions and milestones."""

from crispy_forms_gds.layout import Field
from django import forms

from bcf.core.fields import LONG_TEXT_MAX, NumberField, RowForm, numeric
from bcf.core.money import ParseError
from schemes.milestones import format_dependencies, format_month, parse_dependencies, parse_month
from schemes.models import ANNEX1_FIELDS


class SchemeForm(RowForm):
    ref = forms.CharField(
        label="Scheme ref no.",
        max_length=20,
        help_text="Unique in the plan, for example UP1",
        error_messages={"required": "Enter the scheme reference"},
    )
    theme = forms.CharField(
        label="Theme (optional)", required=False, max_length=200, help_text="For example Unified Prevention"
    )
    name = forms.CharField(label="Scheme name", max_length=300, error_messages={"required": "Enter the scheme name"})
    planning_unit = forms.ModelChoiceField(
        label="Planning unit (optional)", required=False, queryset=None, empty_label="Whole plan"
    )

    def __init__(self, *args, plan, instance=None, **kwargs):
        self.instance = instance
        super().__init__(*args, plan=plan, **kwargs)
        if "planning_unit" in self.fields:
            self.fields["planning_unit"].queryset = plan.planning_units.all()

    def build_layout(self):
        layout = [Field.text("ref", field_width=5), Field.text("theme"), Field.text("name")]
        if self.plan.planning_units.exists():
            self.fields["planning_unit"].queryset = self.plan.planning_units.all()
            layout.append(Field.select("planning_unit"))
        else:
            del self.fields["planning_unit"]
        return layout

    def clean_ref(self):
        ref = self.cleaned_data["ref"].strip()
        others = self.plan.schemes.filter(ref__iexact=ref)
        if self.instance is not None and self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(f"Scheme reference {ref} is already used in this plan")
        return ref


# How an error message names each Annex 1 answer ("The strategic objective must be 60,000 characters or fewer").
ANNEX1_ERROR_NAMES = {"objective": "The strategic objective", "success_factors": "The key success factors"}


class Annex1Form(RowForm):
    def __init__(self, *args, plan, **kwargs):
        for name, label, hint in ANNEX1_FIELDS:
            self.base_fields[name] = forms.CharField(
                label=label,
                help_text=hint,
                required=False,
                max_length=LONG_TEXT_MAX,
                widget=forms.Textarea(attrs={"rows": 6}),
            )
            self.base_fields[name].error_name = ANNEX1_ERROR_NAMES.get(name)
        super().__init__(*args, plan=plan, **kwargs)

    def build_layout(self):
        return [Field.textarea(name, rows=6, label_size="s") for name, _, _ in ANNEX1_FIELDS]


class MonthField(forms.CharField):
    def prepare_value(self, value):
        if hasattr(value, "strftime"):
            return format_month(value)
        return value

    def clean(self, value):
        try:
            return parse_month(super().clean(value))
        except ParseError as exc:
            raise forms.ValidationError(str(exc)) from None


class DependenciesField(forms.CharField):
    def prepare_value(self, value):
        if isinstance(value, list):
            return format_dependencies(value)
        return value

    def clean(self, value):
        try:
            return parse_dependencies(super().clean(value))
        except ParseError as exc:
            raise forms.ValidationError(str(exc)) from None


class MilestoneForm(RowForm):
    number = NumberField(
        widget=numeric(),
        label="Number",
        error_name="Milestone number",
        minimum=1,
        maximum=9999,
        error_messages={"required": "Enter the milestone number"},
    )
    theme = forms.CharField(label="Theme (optional)", required=False, max_length=200)
    scheme_ref = forms.CharField(
        label="Scheme reference (optional)",
        required=False,
        max_length=20,
        help_text="The reference of one of the plan's schemes, for example UP1",
    )
    task = forms.CharField(
        label="Task",
        max_length=LONG_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Describe the task"},
    )
    depends_on = DependenciesField(
        label="Interdependencies (optional)",
        required=False,
        max_length=300,
        help_text="Numbers of the milestones this one depends on, for example “9, 10” or “13-17”",
    )
    start = MonthField(label="Start month (optional)", required=False, max_length=20, help_text="For example Aug 2014")
    end = MonthField(label="End month (optional)", required=False, max_length=20, help_text="For example Mar 2016")
    period = forms.CharField(
        label="Period, if not a month (optional)", required=False, max_length=100, help_text="For example “2015 onward”"
    )

    def __init__(self, *args, plan, instance=None, **kwargs):
        self.instance = instance
        super().__init__(*args, plan=plan, **kwargs)

    def build_layout(self):
        return [
            Field.text("number", field_width=3),
            Field.text("theme"),
            Field.text("scheme_ref", field_width=5),
            Field.textarea("task", rows=3),
            Field.text("depends_on", field_width=20),
            Field.text("start", field_width=10),
            Field.text("end", field_width=10),
            Field.text("period", field_width=20),
        ]

    def clean_scheme_ref(self):
        ref = self.cleaned_data["scheme_ref"].strip()
        if not ref:
            return ref
        scheme = self.plan.schemes.filter(ref__iexact=ref).first()
        if scheme is None:
            known = list(self.plan.schemes.values_list("ref", flat=True)[:12])
            raise forms.ValidationError(
                f"Scheme reference must be one of the plan's schemes ({', '.join(known)})"
                if known
                else "Scheme reference must be one of the plan's schemes: add the scheme first, or leave this empty"
            )
        return scheme.ref

    def clean_number(self):
        number = self.cleaned_data["number"]
        others = self.plan.milestones.filter(number=number)
        if self.instance is not None and self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(f"Milestone {number} already exists in this plan")
        return number

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", "The end month must be the same as or after the start month")
        if cleaned.get("number") in (cleaned.get("depends_on") or []):
            self.add_error("depends_on", "A milestone cannot depend on itself")
        return cleaned
