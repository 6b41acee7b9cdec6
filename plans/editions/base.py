"""The shapes of the question registry: parts, section kinds, Question, Section, Edition (DOMAIN.md §3).

Forms, the task list, the checks, the PDF and the JSON all iterate over these definitions, so a
prompt is written once. Prompts are quoted word for word from the 2014 templates.
"""

from dataclasses import dataclass, field

# Parts an answer can have (docs/answer-parts.md). Each question stores only its own parts.
TEXT = "text"
YES = "yes"
DATE = "date"
PERCENT = "percent"
PERCENT_JOINT_CARE_PLAN = "percent_joint_care_plan"
COUNT = "count"
TOOL = "tool"
AMOUNT = "amount"
BREAKDOWN = "breakdown"
CARE_ACT_AMOUNT = "care_act_amount"

# Kinds of section page.
QUESTIONS = "questions"
SUMMARY = "summary"
SIGNOFF = "signoff"
DOCUMENTS = "documents"
SCHEMES = "schemes"
MILESTONES = "milestones"
RISKS = "risks"
PROVIDERS = "providers"


@dataclass(frozen=True)
class RequiredWhen:
    """A question is required only when another question's part has a given value."""

    key: str
    part: str
    value: object


@dataclass(frozen=True)
class Question:
    key: str
    number: str
    prompt: str
    parts: tuple = (TEXT,)
    points: tuple = ()  # quoted sub-prompts shown as bullets under the prompt
    required: bool = True
    required_parts: tuple | None = None  # parts that must be filled; default: all but optional ones
    required_when: RequiredWhen | None = None
    title: str = ""
    part_labels: dict = field(default_factory=dict)
    allows_image: bool = False
    long: bool = True

    @property
    def must_fill(self):
        if self.required_parts is not None:
            return self.required_parts
        return tuple(p for p in self.parts if p not in (BREAKDOWN, TOOL, COUNT, PERCENT_JOINT_CARE_PLAN))

    @property
    def prompt_is_label(self):
        """A question whose answer is mainly text uses its prompt as the answer box's label."""
        return self.parts[0] == TEXT and not (self.title and self.prompt == self.title)

    def label_for(self, part):
        if part in self.part_labels:
            return self.part_labels[part]
        if part == TEXT and len(self.parts) > 1:
            return "Details"
        return DEFAULT_PART_LABELS[part]


DEFAULT_PART_LABELS = {
    TEXT: "Your answer",
    YES: "Your answer",
    DATE: "Date",
    PERCENT: "Percentage",
    PERCENT_JOINT_CARE_PLAN: "Percentage of individuals at high risk with a joint care plan",
    COUNT: "Number of people",
    TOOL: "Approach or tool used for risk stratification",
    AMOUNT: "Amount (£)",
    BREAKDOWN: "Breakdown",
    CARE_ACT_AMOUNT: "Amount for the new Care Act duties (£)",
}


@dataclass(frozen=True)
class Section:
    slug: str
    number: str
    title: str
    kind: str = QUESTIONS
    part: str = ""  # the template's top-level heading, e.g. "1) PLAN DETAILS"
    prompt: str = ""
    questions: tuple = ()
    tables: tuple = ()  # structured tables shown on a questions page (e.g. schemes under 2 c)

    @property
    def heading(self):
        return f"{self.number} {self.title}".strip()


@dataclass(frozen=True)
class Edition:
    code: str
    name: str
    sections: tuple
    rounds: tuple  # (round code, label, deadline as ISO datetime in Europe/London)

    def section(self, slug):
        for section in self.sections:
            if section.slug == slug:
                return section
        raise KeyError(slug)

    @property
    def questions(self):
        return [q for s in self.sections for q in s.questions]

    def question(self, key):
        for q in self.questions:
            if q.key == key:
                return q
        raise KeyError(key)

    def section_for_question(self, key):
        for s in self.sections:
            if any(q.key == key for q in s.questions):
                return s
        raise KeyError(key)

    def section_of_kind(self, kind):
        return next((s for s in self.sections if s.kind == kind or kind in s.tables), None)

    @property
    def question_keys(self):
        return [q.key for q in self.questions]


def question_label(section, question):
    """How a question is named in messages and the PDF: "2 c)", "7 a) iii)", "3 c) Data sharing"."""
    number = section.number
    if question.number:
        base = number[:-1] if number.endswith(")") and number[:-1].isdigit() else number
        label = f"{base} {question.number}"
        return f"{label} {question.title or section.title}"
    return section.heading


EDITION_CHOICES = [("2014-04", "April 2014 (original template)"), ("2014-09", "September 2014 (revised template)")]
ROUND_CHOICES = [("first-draft", "First draft"), ("final", "Final"), ("revised", "Revised")]
