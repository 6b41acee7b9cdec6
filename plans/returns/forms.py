"""Forms of the quarterly return's section pages. They parse and check what was typed (GOV.UK messages
beside each field); saving is the services' job (plans.returns.services)."""

from decimal import Decimal

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import ConditionalQuestion, ConditionalRadios, Field, Fieldset, Layout, Size
from django import forms

from bcf.core.fields import (
    LONG_TEXT_MAX,
    CleanInputMixin,
    MoneyField,
    NumberField,
    RevisionField,
    YesNoField,
    date_field,
)
from bcf.core.validation import COUNT_MAX
from plans.models import P4P_QUARTERS, ConditionStatus

METRIC_MAX = Decimal("999999999999")


class ReturnForm(CleanInputMixin, forms.Form):
    """A section's form: the hidden revision the page was opened at, then the section's fields."""

    revision = RevisionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def values(self):
        return {name: value for name, value in self.cleaned_data.items() if name != "revision"}


class CoverForm(ReturnForm):
    cover_name = forms.CharField(label="Name", required=False, max_length=200)
    cover_role = forms.CharField(label="Role", required=False, max_length=200)
    cover_email = forms.EmailField(
        label="Email address",
        required=False,
        max_length=254,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.org"},
    )
    cover_telephone = forms.CharField(label="Telephone", required=False, max_length=40)
    cover_date = date_field("Date completed", help_text="For example, 28 8 2015")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            "revision",
            Fieldset(
                Field.text("cover_name"),
                Field.text("cover_role"),
                Field.text("cover_email", field_width=20),
                Field.text("cover_telephone", field_width=20),
                legend="Completed by",
                legend_size=Size.MEDIUM,
            ),
            Field("cover_date"),
        )


class BudgetForm(ReturnForm):
    pooled = YesNoField(label="Have the funds been pooled via a section 75 pooled budget?", required=False)
    pooled_expected_date = date_field("The date the funds are expected to be pooled", help_text="For example, 1 4 2016")
    pooled_commentary = forms.CharField(
        label="Why the funds are not pooled yet",
        required=False,
        max_length=LONG_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pooled_expected_date"].error_name = "The date the funds are expected to be pooled"
        self.fields["pooled_commentary"].error_name = "The commentary"
        self.helper.layout = Layout(
            "revision",
            # The date and commentary are asked for only when the answer is no (GOV.UK conditional reveal).
            ConditionalRadios(
                "pooled",
                "Yes",
                ConditionalQuestion("No", Field("pooled_expected_date"), Field.textarea("pooled_commentary", rows=5)),
            ),
        )

    def clean(self):
        data = super().clean()
        if data.get("pooled") is False:
            if not data.get("pooled_expected_date") and "pooled_expected_date" not in self.errors:
                self.add_error("pooled_expected_date", "Enter the date the funds are expected to be pooled")
            if not (data.get("pooled_commentary") or "").strip():
                self.add_error("pooled_commentary", "Enter a commentary on why the funds are not pooled yet")
        elif data.get("pooled") is True:
            data["pooled_expected_date"], data["pooled_commentary"] = None, ""
        return data


class NarrativeForm(ReturnForm):
    narrative = forms.CharField(
        label="Progress, risks and support needed",
        required=False,
        max_length=LONG_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="Say how delivery is going, the risks, and any support you need. Explain here any actual "
        "admissions far from the plan or from the published figure, and any metric not on track.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout("revision", Field.textarea("narrative", rows=14))


class RowsForm(ReturnForm):
    """A form with fields for each row of one of the return's tables, named "<prefix><row id>-<field>";
    `rows()` gives {row id: {field: value}} for services.return_rows_update."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.row_fields = {}  # {(prefix, row id): {model field: form field name}}

    def add(self, row, prefix, name, field):
        html = f"{prefix}{row.pk}-{name}"
        self.fields[html] = field
        self.row_fields.setdefault((prefix, row.pk), {})[name] = html
        if not self.is_bound:
            self.initial[html] = getattr(row, name)
        return html

    def bound(self, row, prefix):
        """{model field: bound field} of one row, for the template."""
        return {name: self[html] for name, html in self.row_fields.get((prefix, row.pk), {}).items()}

    def rows(self, prefix):
        """{row id: {model field: value}} of the rows of one table (its prefix)."""
        return {
            pk: {name: self.cleaned_data[html] for name, html in names.items()}
            for (of, pk), names in self.row_fields.items()
            if of == prefix
        }


STATUS_CHOICES = [(c.value, c.label) for c in ConditionStatus]


class ConditionsForm(RowsForm):
    def __init__(self, *args, conditions, **kwargs):
        super().__init__(*args, **kwargs)
        layout = ["revision"]
        for row in conditions:
            status = self.add(
                row,
                "c",
                "status",
                forms.ChoiceField(label="Status", choices=STATUS_CHOICES, required=False, widget=forms.RadioSelect),
            )
            date = self.add(row, "c", "date", date_field("If not met, the date it will be met"))
            commentary = self.add(
                row,
                "c",
                "commentary",
                forms.CharField(
                    label="If not met, a commentary",
                    required=False,
                    max_length=LONG_TEXT_MAX,
                    widget=forms.Textarea(attrs={"rows": 3}),
                ),
            )
            self.fields[status].error_name = f"The status of “{row.label}”"
            self.fields[date].error_name = f"The date “{row.label}” will be met"
            self.fields[commentary].error_name = f"The commentary on “{row.label}”"
            layout.append(
                Fieldset(
                    Field.radios(status, inline=True),
                    Field(date),
                    Field.textarea(commentary, rows=3),
                    legend=row.label,
                    legend_size=Size.SMALL,
                )
            )
        self.helper.layout = Layout(*layout)


def _money(label, name):
    field = MoneyField(label=label, required=False)
    field.error_name = name
    return field


class FinanceForm(RowsForm):
    def __init__(self, *args, income, expenditure, **kwargs):
        super().__init__(*args, **kwargs)
        for row in income:
            name = f"{row.organisation} ({row.kind_label or row.kind})"
            self.add(row, "i", "forecast", _money("Forecast for the year", f"The forecast of {name}"))
            self.add(row, "i", "actual_to_date", _money("Actual received to date", f"The actual of {name}"))
        for row in expenditure:
            name = f"scheme {row.scheme_ref}"
            self.add(row, "e", "forecast", _money("Forecast for the year", f"The forecast of {name}"))
            self.add(row, "e", "actual_to_date", _money("Actual spent to date", f"The spend to date of {name}"))


class MetricsForm(RowsForm):
    def __init__(self, *args, metrics, **kwargs):
        super().__init__(*args, **kwargs)
        for row in metrics:
            self.add(
                row,
                "m",
                "actual",
                NumberField(
                    label="Latest actual",
                    required=False,
                    places=3,
                    maximum=METRIC_MAX,
                    error_name=f"The latest actual of {row.code}",
                ),
            )
            self.add(
                row,
                "m",
                "period",
                forms.CharField(label="Period it covers", required=False, max_length=100),
            )
            self.fields[f"m{row.pk}-period"].error_name = f"The period of {row.code}"


class AdmissionsForm(ReturnForm):
    """The actual admissions of the return's own P4P quarter and of the earlier ones (revisions)."""

    def __init__(self, *args, ret, **kwargs):
        super().__init__(*args, **kwargs)
        self.quarters = list(range(1, (ret.period.p4p_quarter or 0) + 1))
        for k in self.quarters:
            self.fields[f"actual_{k}"] = NumberField(
                label=f"Actual admissions, {P4P_QUARTERS[k - 1]}",
                required=False,
                maximum=COUNT_MAX,
                error_name=f"Actual admissions for {P4P_QUARTERS[k - 1]}",
            )
            if not self.is_bound:
                self.initial[f"actual_{k}"] = ret.actuals[k - 1]

    def actuals(self):
        return {k: self.cleaned_data[f"actual_{k}"] for k in self.quarters}


class SendBackForm(CleanInputMixin, forms.Form):
    comment = forms.CharField(
        label="What does the Board need to change?",
        max_length=LONG_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Say what the Board needs to change"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.textarea("comment", rows=8))
