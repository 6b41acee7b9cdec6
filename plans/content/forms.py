"""Forms for Part 1 pages. They parse and check input; saving is the services' job."""

import re
from decimal import Decimal

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size
from django import forms
from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import mark_safe

from bcf.core.fields import (
    BREAKDOWN_ROWS_SPARE,
    LONG_TEXT_MAX,
    CleanInputMixin,
    MoneyField,
    NumberField,
    PercentField,
    RevisionField,
    RowForm,
    YesNoField,
    clean_upload_name,
    date_field,
    named,
    numeric,
)
from bcf.core.uploads import check_upload
from bcf.core.validation import COUNT_MAX, FINANCIAL_IMPACT_000S_MAX
from plans import editions as ed
from plans.editions.tables import (
    ANNEX2,
    ANNEX2_HWB_HEADING,
    ANNEX2_NEL_HEADING,
    ANNEX2_PROVIDER_ANSWERS_HEADING,
    ANNEX2_PROVIDER_HEADING,
)
from plans.models import Level, Provider, RiskRating, file_sha256


def field_name(key, part):
    return key.replace(".", "-") + "-" + part


class SectionAnswersForm(CleanInputMixin, forms.Form):
    """The questions of one section page, built from the edition's registry."""

    revision = RevisionField()

    def __init__(self, *args, section, answers, **kwargs):
        super().__init__(*args, **kwargs)
        self.section = section
        self.groups = []
        for question in section.questions:
            answer = answers.get(question.key)
            names = {}
            for part in question.parts:
                if part == ed.BREAKDOWN:
                    names[part] = self._add_breakdown(question, answer)
                    continue
                name = field_name(question.key, part)
                self.fields[name] = self._make_field(question, part)
                if part == ed.TEXT:
                    self.fields[name].error_name = self._text_name(question)
                if answer is not None and not self.is_bound:
                    self.initial[name] = getattr(answer, part)
                names[part] = name
            self.groups.append((question, names))

    def _text_name(self, question):
        """How a message names a question's text box: "Service provider engagement must be …"."""
        name = question.title or self.section.title
        same = [q for q in self.section.questions if (q.title or self.section.title) == name]
        if len(same) > 1:
            name = f"{name}, question {question.number or same.index(question) + 1}"
        return name[:1].upper() + name[1:]

    def _make_field(self, question, part):
        label = question.label_for(part)
        help_text = ""
        if part == ed.TEXT and question.prompt_is_label:
            # The prompt is the label of the answer box; quoted sub-prompts are its hint.
            label = question.prompt
            if question.points:
                items = "".join(f"<li>“{escape(point)}”</li>" for point in question.points)
                help_text = mark_safe(f'<ul class="govuk-list govuk-list--bullet">{items}</ul>')  # noqa: S308
        if part == ed.TEXT:
            return forms.CharField(
                label=label,
                help_text=help_text,
                required=False,
                max_length=LONG_TEXT_MAX,
                strip=False,
                widget=forms.Textarea(
                    attrs={"rows": 12, "class": "govuk-textarea govuk-js-character-count", "aria-describedby": ""}
                ),
            )
        if part == ed.YES:
            return YesNoField(label=label, required=False)
        if part == ed.DATE:
            return date_field(label)
        if part in (ed.PERCENT, ed.PERCENT_JOINT_CARE_PLAN):
            return PercentField(label=label, required=False, help_text="For example 3.5%")
        if part == ed.COUNT:
            return NumberField(label=label, required=False, maximum=COUNT_MAX, widget=numeric())
        if part == ed.TOOL:
            return forms.CharField(label=label, required=False, max_length=500)
        if part in (ed.AMOUNT, ed.CARE_ACT_AMOUNT):
            return MoneyField(label=label, required=False, help_text="In pounds, for example £1,234,567 or £1.2m")
        raise ValueError(part)

    def _add_breakdown(self, question, answer):
        lines = list(answer.breakdown) if answer is not None and answer.breakdown else []
        if self.is_bound:
            raw = str(self.data.get(f"{field_name(question.key, 'breakdown')}-rows", ""))
            count = int(raw) if re.fullmatch(r"[0-9]{1,3}", raw) else len(lines) + BREAKDOWN_ROWS_SPARE
            count = max(0, min(count, 50))
        else:
            count = len(lines) + BREAKDOWN_ROWS_SPARE
        rows = []
        base = field_name(question.key, ed.BREAKDOWN)
        for i in range(count):
            label_name, amount_name = f"{base}-{i}-label", f"{base}-{i}-amount"
            self.fields[label_name] = forms.CharField(label=f"Line {i + 1} label", required=False, max_length=200)
            self.fields[amount_name] = MoneyField(label=f"Line {i + 1} amount", required=False)
            if i < len(lines) and not self.is_bound:
                self.initial[label_name] = lines[i]["label"]
                self.initial[amount_name] = Decimal(lines[i]["amount"])
            rows.append((label_name, amount_name))
        return {"rows": rows, "count_name": f"{base}-rows", "count": count}

    def clean(self):
        cleaned = super().clean()
        for _question, names in self.groups:
            if ed.BREAKDOWN in names:
                for label_name, amount_name in names[ed.BREAKDOWN]["rows"]:
                    label, amount = cleaned.get(label_name), cleaned.get(amount_name)
                    if label and amount is None and amount_name not in self.errors:
                        self.add_error(amount_name, "Enter the amount for this line")
                    if amount is not None and not label:
                        self.add_error(label_name, "Enter a label for this amount")
        return cleaned

    def values(self):
        """{question key: {part: value}} for the service."""
        out = {}
        for question, names in self.groups:
            parts = {}
            for part, name in names.items():
                if part == ed.BREAKDOWN:
                    lines = []
                    for label_name, amount_name in name["rows"]:
                        label, amount = self.cleaned_data.get(label_name), self.cleaned_data.get(amount_name)
                        if label and amount is not None:
                            lines.append({"label": label.strip(), "amount": f"{amount:.2f}"})
                    parts[part] = lines
                elif part in (ed.TEXT, ed.TOOL):
                    parts[part] = (self.cleaned_data.get(name) or "").replace("\r\n", "\n").strip()
                else:
                    parts[part] = self.cleaned_data.get(name)
            out[question.key] = parts
        return out


class SummaryForm(CleanInputMixin, forms.Form):
    revision = RevisionField()
    boundary_differences = forms.CharField(
        label="Boundary differences",
        required=False,
        max_length=LONG_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Describe any differences between the local authority and CCG boundaries, or write "
        "“No boundary differences”",
    )
    date_agreed_at_hwb = date_field("Date agreed at Health and Well-Being Board")
    date_agreed_note = forms.CharField(
        label="Note on the date agreed (optional)",
        required=False,
        max_length=300,
        help_text="For example “Extraordinary meeting”",
    )
    minimum_2014_15 = MoneyField(label="Minimum required value of BCF pooled budget: 2014/15", required=False)
    minimum_2015_16 = MoneyField(label="Minimum required value of BCF pooled budget: 2015/16", required=False)
    total_agreed_2014_15 = MoneyField(label="Total agreed value of pooled budget: 2014/15", required=False)
    total_agreed_2015_16 = MoneyField(label="Total agreed value of pooled budget: 2015/16", required=False)
    total_agreed_note = forms.CharField(
        label="Note on the total agreed value (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "revision",
            Field.textarea("boundary_differences", rows=6),
            Fieldset(
                Field("date_agreed_at_hwb"),
                Field.text("date_agreed_note"),
                legend="Date agreed",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("minimum_2014_15", field_width=10),
                Field.text("minimum_2015_16", field_width=10),
                legend="Minimum required value of BCF pooled budget",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("total_agreed_2014_15", field_width=10),
                Field.text("total_agreed_2015_16", field_width=10),
                Field.textarea("total_agreed_note", rows=3),
                legend="Total agreed value of pooled budget",
                legend_size=Size.MEDIUM,
            ),
        )

    def values(self):
        data = dict(self.cleaned_data)
        data.pop("revision")
        for name in ("boundary_differences", "date_agreed_note", "total_agreed_note"):
            data[name] = (data[name] or "").replace("\r\n", "\n").strip()
        return data


class DocumentForm(RowForm):
    ref = forms.CharField(label="Reference (optional)", required=False, max_length=20, help_text="For example A1 or 01")
    title = forms.CharField(
        label="Document or information title",
        max_length=300,
        error_messages={"required": "Enter the document or information title"},
    )
    synopsis = forms.CharField(
        label="Synopsis and links",
        required=False,
        max_length=LONG_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="A short description, with links (https://…) where the document is online",
    )
    question_key = forms.ChoiceField(label="Show this file under a question (optional)", required=False)
    file = forms.FileField(
        label="Upload a file (optional)",
        required=False,
        help_text="PDF, Word (DOCX), Excel (XLSX), PNG or JPEG, up to "
        f"{settings.UPLOAD_MAX_BYTES // (1024 * 1024)} MB. Images can be shown under a question, "
        "for example a governance diagram.",
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, plan=plan, **kwargs)
        choices = [("", "No – list it with the related documents")]
        choices += [
            (q.key, f"{plan.edition_def.section_for_question(q.key).number} {q.prompt[:80]}…")
            for q in plan.edition_def.questions
            if q.allows_image
        ]
        self.fields["question_key"].choices = choices

    def build_layout(self):
        return [
            Field.text("ref", field_width=5),
            Field.text("title"),
            Field.textarea("synopsis", rows=5),
            Field.select("question_key"),
            Field("file"),
        ]

    def clean_file(self):
        upload = clean_upload_name(self.cleaned_data.get("file"))
        if upload:
            try:
                self.cleaned_data["_content_type"] = check_upload(upload)
            except ValueError as exc:
                raise forms.ValidationError(str(exc)) from None
        return upload

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("question_key")
            and cleaned.get("file")
            and cleaned.get("_content_type")
            not in (
                "image/png",
                "image/jpeg",
            )
        ):
            self.add_error("question_key", "Only a PNG or JPEG image can be shown under a question")
        return cleaned

    def values(self):
        data = super().values()
        content_type = data.pop("_content_type", None)
        upload = data.pop("file", None)
        if upload:
            data["file"] = upload
            data["original_filename"] = upload.name[:255]
            data["content_type"] = content_type
            data["size"] = upload.size
            upload.seek(0)
            data["sha256"] = file_sha256(upload)
            upload.seek(0)
        return data


class RiskForm(RowForm):
    def __init__(self, *args, plan, **kwargs):
        self.scored = plan.edition == "2014-09"
        super().__init__(*args, plan=plan, **kwargs)

    group = forms.CharField(
        label="Group heading (optional)",
        required=False,
        max_length=200,
        help_text="For example a planning unit such as NORTH NOTTINGHAMSHIRE",
    )
    risk = named(
        "The risk",
        forms.CharField(
            label="There is a risk that:",
            max_length=LONG_TEXT_MAX,
            widget=forms.Textarea(attrs={"rows": 4}),
            error_messages={"required": "Describe the risk"},
        ),
    )
    rating = forms.ChoiceField(
        label="Risk rating",
        required=False,
        choices=[("", "Not given")] + RiskRating.choices,
        widget=forms.RadioSelect,
        help_text="Give one rating, or an impact and a likelihood below",
    )
    impact_level = forms.ChoiceField(
        label="Impact", required=False, choices=[("", "Not given")] + Level.choices, widget=forms.RadioSelect
    )
    likelihood_level = forms.ChoiceField(
        label="Likelihood", required=False, choices=[("", "Not given")] + Level.choices, widget=forms.RadioSelect
    )
    likelihood = forms.TypedChoiceField(
        label="Likelihood",
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
        choices=[
            (str(n), f"{n}" + (" – very unlikely" if n == 1 else " – very likely" if n == 5 else ""))
            for n in range(1, 6)
        ],
    )
    impact = forms.TypedChoiceField(
        label="Potential impact",
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
        choices=[(str(n), str(n)) for n in range(1, 6)],
        help_text="1 is the least impact, 5 the greatest",
    )
    financial_impact_000s = NumberField(
        label="Financial impact (£000s, optional)",
        error_name="Financial impact",
        required=False,
        places=1,
        maximum=FINANCIAL_IMPACT_000S_MAX,
        widget=numeric(decimal=True),
    )
    impact_falls_on = forms.CharField(
        label="Who the financial impact falls on (optional)", required=False, max_length=300
    )
    leads = forms.CharField(
        label="Lead",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One or more people; put each on its own line or separate them with commas",
    )
    mitigation = forms.CharField(
        label="Mitigating actions", required=False, max_length=LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 6})
    )

    def build_layout(self):
        if self.scored:
            for name in ("rating", "impact_level", "likelihood_level"):
                del self.fields[name]
            return [
                Field.textarea("risk", rows=4),
                Field.radios("likelihood", inline=True, legend_size=Size.SMALL),
                Field.radios("impact", inline=True, legend_size=Size.SMALL),
                Field.text("financial_impact_000s", field_width=10),
                Field.text("impact_falls_on"),
                Field.textarea("leads", rows=2),
                Field.textarea("mitigation", rows=6),
            ]
        for name in ("likelihood", "impact", "financial_impact_000s", "impact_falls_on", "leads"):
            del self.fields[name]
        return [
            Field.text("group"),
            Field.textarea("risk", rows=4),
            Field.radios("rating", inline=True, legend_size=Size.SMALL),
            Field.radios("impact_level", inline=True, legend_size=Size.SMALL),
            Field.radios("likelihood_level", inline=True, legend_size=Size.SMALL),
            Field.textarea("mitigation", rows=6),
        ]

    def clean(self):
        cleaned = super().clean()
        if not self.scored:
            rating, impact, likelihood = (cleaned.get(n) for n in ("rating", "impact_level", "likelihood_level"))
            if rating and (impact or likelihood):
                self.add_error("rating", "Give either one rating or an impact and a likelihood, not both")
            elif bool(impact) != bool(likelihood):
                self.add_error(
                    "impact_level" if not impact else "likelihood_level", "Give both the impact and the likelihood"
                )
        return cleaned

    def values(self):
        data = super().values()
        if "leads" in data:
            raw = data["leads"].replace("\n", ",")
            data["leads"] = [name.strip() for name in raw.split(",") if name.strip()]
        return data


class ProviderCommentaryForm(RowForm):
    """Annex 2: the template's own words, from the table registry (plans.editions.tables)."""

    provider_name = forms.CharField(
        label=ANNEX2["provider"],
        max_length=200,
        error_messages={"required": "Enter the name of the provider organisation"},
    )
    ceo = forms.CharField(label=ANNEX2["ceo"], required=False, max_length=200)
    signature = forms.CharField(label=ANNEX2["signature"], required=False, max_length=300)
    nel_2013_14_outturn = NumberField(
        label=ANNEX2["nel_2013_14_outturn"], error_name="The 2013/14 outturn", required=False, maximum=COUNT_MAX
    )
    nel_2014_15_plan = NumberField(
        label=ANNEX2["nel_2014_15_plan"], error_name="The 2014/15 plan", required=False, maximum=COUNT_MAX
    )
    nel_2015_16_plan = NumberField(
        label=ANNEX2["nel_2015_16_plan"], error_name="The 2015/16 plan", required=False, maximum=COUNT_MAX
    )
    prevented_2014_15 = NumberField(
        label=ANNEX2["prevented_2014_15"],
        error_name="Admissions to prevent in 2014/15",
        required=False,
        maximum=COUNT_MAX,
    )
    prevented_2015_16 = NumberField(
        label=ANNEX2["prevented_2015_16"],
        error_name="Admissions to prevent in 2015/16",
        required=False,
        maximum=COUNT_MAX,
    )
    agrees = YesNoField(label=ANNEX2["agrees"], required=False)
    disagreement = named(
        "Why you do not agree",
        forms.CharField(
            label=ANNEX2["disagreement"],
            required=False,
            max_length=LONG_TEXT_MAX,
            widget=forms.Textarea(attrs={"rows": 5}),
        ),
    )

    def build_layout(self):
        return [
            Fieldset(
                Field.text("provider_name"),
                Field.text("ceo"),
                Field.text("signature"),
                legend=ANNEX2_PROVIDER_HEADING,
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("nel_2013_14_outturn", field_width=10),
                Field.text("nel_2014_15_plan", field_width=10),
                Field.text("nel_2015_16_plan", field_width=10),
                Field.text("prevented_2014_15", field_width=10),
                Field.text("prevented_2015_16", field_width=10),
                legend=f"{ANNEX2_HWB_HEADING}: {ANNEX2_NEL_HEADING}",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.radios("agrees", inline=True),
                Field.textarea("disagreement", rows=5),
                legend=ANNEX2_PROVIDER_ANSWERS_HEADING,
                legend_size=Size.MEDIUM,
            ),
        ]

    def values(self):
        data = super().values()
        data["provider"], _ = Provider.objects.get_or_create(name=data.pop("provider_name"))
        return data


class RiskScoresForm(CleanInputMixin, forms.Form):
    """Likelihood and potential impact (1-5) of every risk of the plan, on one page."""

    revision = RevisionField()

    def __init__(self, *args, risks, **kwargs):
        super().__init__(*args, **kwargs)
        self.risks = risks
        for risk in risks:
            for name, label in (("likelihood", "Likelihood"), ("impact", "Potential impact")):
                field = NumberField(  # ASCII digits only, 1 to 5 ("The likelihood of risk 3 must be between 1 and 5")
                    label=f"{label} of risk {risk.position}",
                    error_name=f"The {label.lower()} of risk {risk.position}",
                    minimum=1,
                    maximum=5,
                    required=True,
                    widget=numeric(),
                    error_messages={"required": f"Enter the {label.lower()} of risk {risk.position}, from 1 to 5"},
                )
                self.fields[f"{name}_{risk.pk}"] = field
                self.initial[f"{name}_{risk.pk}"] = getattr(risk, name) or getattr(risk, f"proposed_{name}")

    def rows(self):
        return [{"risk": r, "fields": (self[f"likelihood_{r.pk}"], self[f"impact_{r.pk}"])} for r in self.risks]

    def scores(self):
        return {
            r.pk: (self.cleaned_data[f"likelihood_{r.pk}"], self.cleaned_data[f"impact_{r.pk}"]) for r in self.risks
        }
