"""Forms for the Part 2 pages. They parse and check input (money through bcf.core.money); saving
is the services' job, and every computed figure shown beside them comes from metrics.calculations.

Long because it holds one form per Part 2 page, each with its GOV.UK layout; they share the money,
percent and row fields of bcf.core.fields.
"""

from decimal import Decimal

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import ConditionalQuestion, ConditionalRadios, Field, Fieldset, Layout, Size
from django import forms
from django.conf import settings

from bcf.core.fields import (
    LONG_TEXT_MAX,
    CleanInputMixin,
    MoneyField,
    NumberField,
    PercentField,
    RevisionField,
    RowForm,
    clean_upload_name,
)
from metrics.definitions import (
    BENEFIT_QUARTERS,
    CAPITAL_KINDS,
    FIGURE_MAX,
    QUANTITY_MAX,
    YEAR_FIELDS,
    YEARS,
    AreaOfSpend,
    BenefitMeasure,
    Commissioner,
    FundingKind,
    NewOrExisting,
    ProviderType,
    SourceOfFunding,
)

MONEY_HINT = "In pounds, for example £1,234,567 or £1.2m"


def _select_choices(choices, prompt):
    return [("", prompt), *choices.choices]


class ExpenditureForm(RowForm):
    scheme = forms.ModelChoiceField(
        label="Scheme", queryset=None, empty_label="Choose a scheme", error_messages={"required": "Choose the scheme"}
    )
    area_of_spend = forms.ChoiceField(
        label="Area of spend",
        choices=_select_choices(AreaOfSpend, "Choose an area of spend"),
        error_messages={"required": "Choose the area of spend"},
    )
    commissioner = forms.ChoiceField(
        label="Commissioner",
        choices=Commissioner.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the commissioner"},
    )
    nhs_share_percent = PercentField(
        label="NHS share (%)", required=False, help_text="For a joint commissioner: the NHS's share, for example 60%"
    )
    provider = forms.ChoiceField(
        label="Provider",
        choices=_select_choices(ProviderType, "Choose a provider"),
        error_messages={"required": "Choose the provider"},
    )
    source_of_funding = forms.ChoiceField(
        label="Source of funding",
        choices=_select_choices(SourceOfFunding, "Choose a source of funding"),
        error_messages={"required": "Choose the source of funding"},
    )
    amount_2014_15 = MoneyField(
        label="2014/15 expenditure",
        help_text=MONEY_HINT,
        error_messages={"required": "Enter the 2014/15 expenditure (0 if none)"},
    )
    amount_2015_16 = MoneyField(
        label="2015/16 expenditure",
        help_text=MONEY_HINT,
        error_messages={"required": "Enter the 2015/16 expenditure (0 if none)"},
    )
    new_or_existing = forms.ChoiceField(
        label="New or existing scheme",
        choices=NewOrExisting.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the scheme is new or existing"},
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, plan=plan, **kwargs)
        self.fields["scheme"].queryset = plan.schemes.all()
        self.fields["scheme"].label_from_instance = lambda s: f"{s.ref} – {s.name}"

    def build_layout(self):
        return [
            Field.select("scheme"),
            Field.select("area_of_spend"),
            ConditionalRadios(
                "commissioner",
                Commissioner.LOCAL_AUTHORITY.label,
                Commissioner.CCG.label,
                ConditionalQuestion(Commissioner.JOINT.label, Field.text("nhs_share_percent", field_width=5)),
            ),
            Field.select("provider"),
            Field.select("source_of_funding"),
            Fieldset(
                Field.text("amount_2014_15", field_width=10),
                Field.text("amount_2015_16", field_width=10),
                legend="Expenditure",
                legend_size=Size.SMALL,
            ),
            Field.radios("new_or_existing", legend_size=Size.SMALL, inline=True),
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("commissioner") == Commissioner.JOINT:
            if cleaned.get("nhs_share_percent") is None and "nhs_share_percent" not in self.errors:
                self.add_error("nhs_share_percent", "Enter the NHS share of the joint commissioning, for example 60%")
        else:
            cleaned["nhs_share_percent"] = None
        return cleaned


class BenefitForm(RowForm):
    scheme = forms.ModelChoiceField(
        label="Scheme", queryset=None, empty_label="Choose a scheme", error_messages={"required": "Choose the scheme"}
    )
    measure = forms.ChoiceField(
        label="Benefit measure",
        choices=BenefitMeasure.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the benefit measure"},
    )
    measure_other = forms.CharField(label="Name of the other measure", required=False, max_length=200)
    unit = forms.CharField(
        label="Unit",
        required=False,
        max_length=100,
        help_text="What one unit is, for example an admission or a bed day",
    )
    q1, q2, q3, q4 = (
        NumberField(
            label=quarter,
            error_name=f"The planned change in {quarter}",
            places=2,
            required=False,
            maximum=QUANTITY_MAX,
        )
        for quarter in BENEFIT_QUARTERS
    )
    value_per_unit = MoneyField(
        label="Value per unit",
        help_text="In pounds, for example £1,490",
        error_messages={"required": "Enter the value per unit"},
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, plan=plan, **kwargs)
        self.fields["scheme"].queryset = plan.schemes.all()
        self.fields["scheme"].label_from_instance = lambda s: f"{s.ref} – {s.name}"

    def build_layout(self):
        return [
            Field.select("scheme"),
            ConditionalRadios(
                "measure",
                *[m.label for m in BenefitMeasure if m != BenefitMeasure.OTHER],
                ConditionalQuestion(BenefitMeasure.OTHER.label, Field.text("measure_other")),
            ),
            Field.text("unit", field_width=20),
            Fieldset(
                Field.text("q1", field_width=5),
                Field.text("q2", field_width=5),
                Field.text("q3", field_width=5),
                Field.text("q4", field_width=5),
                legend="Planned change in each quarter of 2015/16",
                legend_size=Size.SMALL,
            ),
            Field.text("value_per_unit", field_width=10),
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("measure") == BenefitMeasure.OTHER:
            if not (cleaned.get("measure_other") or "").strip():
                self.add_error("measure_other", "Enter the name of the benefit measure")
        else:
            cleaned["measure_other"] = ""
        if all(cleaned.get(q) is None for q in ("q1", "q2", "q3", "q4")) and not any(
            q in self.errors for q in ("q1", "q2", "q3", "q4")
        ):
            self.add_error("q1", "Enter the planned change in at least one quarter")
        for q in ("q1", "q2", "q3", "q4"):
            if cleaned.get(q) is None:
                cleaned[q] = Decimal(0)
        return cleaned

    def inputs(self):
        """The quarters and value as typed so far, for the figures shown beside the form."""
        return _partial(self, ("q1", "q2", "q3", "q4", "value_per_unit"))


class P4PForm(CleanInputMixin, forms.Form):
    revision = RevisionField()
    population = NumberField(
        label="Population (denominator)", error_name="Population", required=False, maximum=100_000_000
    )
    performance_element = MoneyField(
        label="Performance-related element of the fund",
        required=False,
        help_text="From the national allocations. " + MONEY_HINT,
    )
    unit_saving = MoneyField(
        label="Unit saving per admission avoided",
        help_text="£1,490 in the 2014 guidance",
        error_messages={"required": "Enter the unit saving (£1,490 in the 2014 guidance)"},
    )
    justification = forms.CharField(
        label="Justification, if the planned reduction is below 3.5%",
        required=False,
        max_length=LONG_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The reviewers and the signatories see it beside the figures",
    )

    def __init__(self, *args, reference, **kwargs):
        super().__init__(*args, **kwargs)
        self.reference = reference
        for i in range(4):
            self.fields[f"baseline_q{i + 1}"] = NumberField(
                label=f"Baseline admissions, quarter {i + 1} ({reference.baseline_quarters[i]})",
                error_name=f"Baseline admissions in quarter {i + 1}",
                required=False,
                maximum=10_000_000,
            )
            self.fields[f"plan_q{i + 1}"] = NumberField(
                label=f"Planned admissions, quarter {i + 1} ({reference.plan_quarters[i]})",
                error_name=f"Planned admissions in quarter {i + 1}",
                required=False,
                maximum=10_000_000,
            )

    def clean_population(self):
        population = self.cleaned_data.get("population")
        if population == 0:
            raise forms.ValidationError("Enter a population of 1 or more")
        return population

    def values(self):
        data = {k: v for k, v in self.cleaned_data.items() if k != "revision"}
        data["justification"] = (data.get("justification") or "").replace("\r\n", "\n").strip()
        return data

    def inputs(self):
        """The figures as typed so far (valid fields only), in the shape selectors.p4p_figures takes."""
        names = ["population", "performance_element", "unit_saving", "justification"]
        names += [f"baseline_q{i}" for i in range(1, 5)] + [f"plan_q{i}" for i in range(1, 5)]
        given = _partial(self, names)
        return {
            "population": given.get("population"),
            "baseline": [given.get(f"baseline_q{i}") for i in range(1, 5)],
            "plan": [given.get(f"plan_q{i}") for i in range(1, 5)],
            "performance_element": given.get("performance_element"),
            "unit_saving": given.get("unit_saving"),
            "justification": given.get("justification") or "",
        }


def _partial(form, names):
    """Each field's cleaned value where it is valid, even when the form as a whole is not."""
    if not form.is_bound:
        return {name: form.initial.get(name) for name in names}
    form.is_valid()
    out = {}
    for name in names:
        if name in form.errors:
            out[name] = None
        else:
            out[name] = form.cleaned_data.get(name)
    return out


def figure_name(position, part):
    return f"f{position}_{part}"


class MetricForm(CleanInputMixin, forms.Form):
    """One metric: its name where the HWB chooses it, the baseline and each target."""

    revision = RevisionField()

    def __init__(self, *args, definition, target_labels, **kwargs):
        super().__init__(*args, **kwargs)
        self.definition, self.target_labels = definition, target_labels
        if definition.named:
            self.fields["name"] = forms.CharField(
                label="Name of the measure",
                max_length=300,
                required=False,
                help_text="For example the survey question used" if not definition.described else "",
            )
        if definition.described:
            self.fields["definition"] = forms.CharField(
                label="Definition", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
            )
            self.fields["source"] = forms.CharField(
                label="Source of the data", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
            )
        self.rows = []
        for position, label in enumerate(("Baseline", *target_labels)):
            names = {}
            if position == 0:
                names["label"] = self._add(
                    position, "label", forms.CharField(label="Baseline period", required=False, max_length=100)
                )
            if definition.has_ratio:
                names["numerator"] = self._add(
                    position,
                    "numerator",
                    NumberField(
                        label=f"{label}: {definition.numerator_label}", places=3, required=False, maximum=FIGURE_MAX
                    ),
                )
                names["denominator"] = self._add(
                    position,
                    "denominator",
                    NumberField(
                        label=f"{label}: {definition.denominator_label}", places=3, required=False, maximum=FIGURE_MAX
                    ),
                )
            names["stated_value"] = self._add(
                position,
                "stated_value",
                NumberField(
                    label=f"{label}: value"
                    + (" (only if there is no numerator and denominator)" if definition.has_ratio else ""),
                    places=3,
                    required=False,
                    maximum=FIGURE_MAX,
                ),
            )
            if position > 0:
                names["percent_change"] = self._add(
                    position,
                    "percent_change",
                    PercentField(
                        label=f"{label}: % change from the baseline (optional)",
                        required=False,
                        minimum=Decimal(-100),
                        maximum=Decimal(1000),
                    ),
                )
            self.rows.append({"position": position, "label": label, "names": names})
        self.fields["comment"] = forms.CharField(
            label="Comment (optional)",
            required=False,
            max_length=LONG_TEXT_MAX,
            widget=forms.Textarea(attrs={"rows": 3}),
        )

    def _add(self, position, part, field):
        name = figure_name(position, part)
        self.fields[name] = field
        return name

    def clean(self):
        cleaned = super().clean()
        for row in self.rows:
            names = row["names"]
            if "numerator" in names:
                numerator, denominator = cleaned.get(names["numerator"]), cleaned.get(names["denominator"])
                if (numerator is None) != (denominator is None) and not self.errors.get(names["denominator"]):
                    missing = names["denominator"] if denominator is None else names["numerator"]
                    self.add_error(missing, f"{row['label']}: enter both the numerator and the denominator, or neither")
                if denominator == 0:
                    self.add_error(names["denominator"], f"{row['label']}: the denominator cannot be 0")
        return cleaned

    def metric_values(self):
        out = {}
        for name in ("name", "definition", "source", "comment"):
            if name in self.fields:
                out[name] = (self.cleaned_data.get(name) or "").replace("\r\n", "\n").strip()
        return out

    def figure_values(self):
        out = {}
        for row in self.rows:
            values = {"label": row["label"] if row["position"] else ""}
            for part, name in row["names"].items():
                value = self.cleaned_data.get(name)
                values[part] = value.strip() if isinstance(value, str) else value
            for part in ("numerator", "denominator", "percent_change"):
                values.setdefault(part, None)
            for part in ("numerator", "denominator", "stated_value"):
                if isinstance(values[part], int):
                    values[part] = Decimal(values[part])
            out[row["position"]] = values
        return out

    def inputs(self):
        """{position: figure inputs} as typed so far, for the values shown beside the form."""
        names = [name for row in self.rows for name in row["names"].values()]
        given = _partial(self, names)
        out = {}
        for row in self.rows:
            out[row["position"]] = {part: given.get(name) for part, name in row["names"].items()}
            if row["position"]:
                out[row["position"]]["label"] = row["label"]
        return out


class FundingForm(CleanInputMixin, forms.Form):
    """The funding grid: a line per organisation and kind of contribution, a column per year."""

    revision = RevisionField()

    def __init__(self, *args, organisations, existing, **kwargs):
        super().__init__(*args, **kwargs)
        la = organisations[0]
        keys = [(la, FundingKind.REVENUE), *[(la, kind) for kind in CAPITAL_KINDS]]
        keys += [(ccg, FundingKind.REVENUE) for ccg in organisations[1:]]
        # Lines saved for an organisation that has since left the plan stay visible, to be cleared.
        keys += [(row.organisation, row.kind) for row in existing if (row.organisation, row.kind) not in keys]
        saved = {(row.organisation, row.kind): row for row in existing}
        self.lines = []
        for index, (organisation, kind) in enumerate(keys):
            names = {}
            for year in YEARS:
                name = f"line{index}_{YEAR_FIELDS[year]}"
                self.fields[name] = MoneyField(
                    label=f"{organisation}, {FundingKind(kind).label}, {year}", required=False
                )
                row = saved.get((organisation, kind))
                if row is not None and not self.is_bound:
                    self.initial[name] = getattr(row, f"amount_{YEAR_FIELDS[year]}")
                names[year] = name
            self.lines.append(
                {
                    "organisation": organisation,
                    "kind": kind,
                    "kind_label": FundingKind(kind).label,
                    "names": names,
                    "orphan": organisation not in organisations,
                }
            )

    def values(self):
        return {
            (line["organisation"], line["kind"]): {
                year: self.cleaned_data.get(name) for year, name in line["names"].items()
            }
            for line in self.lines
        }

    def totals_inputs(self):
        """Per year, the amounts typed so far (valid ones), for the totals shown under the grid."""
        names = [name for line in self.lines for name in line["names"].values()]
        given = _partial(self, names)
        return {year: [given.get(line["names"][year]) for line in self.lines] for year in YEARS}


class WorkbookUploadForm(CleanInputMixin, forms.Form):
    file = forms.FileField(
        label="Upload the Part 2 workbook",
        help_text="The .xlsx file downloaded from this service, with your changes to the yellow cells",
        error_messages={"required": "Choose the workbook to upload"},
    )
    replace = forms.BooleanField(
        label="Replace the changes made in the service since the workbook was downloaded",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field("file"), Field("replace"))

    def clean_file(self):
        upload = clean_upload_name(self.cleaned_data["file"])
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {settings.UPLOAD_MAX_BYTES // (1024 * 1024)} MB: upload the workbook itself"
            )
        if not upload.name.lower().endswith((".xlsx", ".xlsm")):
            raise forms.ValidationError("Upload the workbook as an Excel .xlsx file")
        return upload
