"""Shared parts of the hostile-input tests: generated hostile values, the forms a page offers (read
from its HTML), what a plan's stored state looks like, and the counts printed at the end of the run.

`HOSTILE_REPORT_ONLY=1` makes the tests count a server error or a partial save instead of failing at
the first one, so a code base can be measured before a fix (the issue's "before" figures).
"""

import os
from collections import Counter
from html.parser import HTMLParser

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import strategies as st

REPORT_ONLY = os.environ.get("HOSTILE_REPORT_ONLY") == "1"
COUNTS = {}  # test name -> Counter(tried, refused, accepted, 500s, partial saves)
FAILURES = {}  # test name -> the first few failures, for the summary

NUMBERS = [
    "1e308",
    "-1e308",
    "1e-308",
    "1E400",
    "99999999999999999999",
    "-99999999999999999999",
    "2147483648",
    "9" * 400,
    "0",
    "-0",
    "-0.0",
    "-1",
    "0.0000001",
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "inf",
    "١٢٣",
    "１２３",
    "٣١",
    "1_000",
    "0x1F",
    "1,2,3",
    "1.2.3",
    "£1,228M",
    "1.209111",
    "(5)",
]
TEXTS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "invoice\u202egnp.exe",
    "\u2066x\u2069",
    "\x1b[31mred",
    "\x7f\x85",
    "A" * 70_000,
    "B" * 301,
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    "=cmd|' /C calc'!A0",
    "x\r\ny",
    "\u2028\ufeff",
    "😀" * 30,
    "ZZ9",
    "tbc",
]
DATE_PARTS = ["31", "02", "2014", "0", "00", "29", "13", "99999999999999999999", "-1", "２", "1e3", "2014.5", ""]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
FILE_NAMES = ["invoice\u202egnp.exe", "a\x00b.png", "../../etc/passwd", "x" * 300 + ".png", "chart.png", "\u2066.png"]
REVISIONS = ["abc", "", "-1", "1e308", "99999999999999999999", "0", "١", " 0 ", "0.0"]

HOSTILE_STRING = st.one_of(
    st.sampled_from(NUMBERS),
    st.sampled_from(TEXTS),
    st.sampled_from(DATE_PARTS),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
)
# JSON values: everything a hostile document could hold where a number, a string or a list belongs.
HOSTILE_JSON = st.one_of(
    st.sampled_from(
        [
            float("nan"),
            float("inf"),
            float("-inf"),
            1e308,
            -1e308,
            1e30,
            1e-30,
            10**30,
            -(10**30),
            2**63,
            -1,
            0,
            -0.0,
            0.1,
            True,
            None,
            [],
            {},
            [None] * 5,
            "\x00",
            "a\x00b",
            "invoice\u202egnp.exe",
            "\ud800",
            "A" * 70_000,
            "1e308",
            "NaN",
            "١٢٣",
            "-0",
            "9999-99-99",
            "0000-01-01",
            "2014-02-30",
            "ZZ9",
        ]
    ),
    st.integers(),
    st.floats(),
    st.text(max_size=30),
)


def record(test, outcome, detail=None):
    """Count one attempt: outcome is "refused", "accepted", "500" or "partial save"."""
    counts = COUNTS.setdefault(test, Counter())
    counts["tried"] += 1
    counts[outcome] += 1
    if outcome in ("500", "partial save", "poisoned") and detail:
        FAILURES.setdefault(test, [])
        if len(FAILURES[test]) < 5:
            FAILURES[test].append(detail)


def fail(message):
    """Stop the example (and let hypothesis shrink it), unless only counting."""
    if not REPORT_ONLY:
        raise AssertionError(message)


def summary_lines():
    lines = []
    for test, counts in sorted(COUNTS.items()):
        lines.append(
            f"{test}: tried {counts['tried']}, refused {counts['refused']}, accepted {counts['accepted']}, "
            f"500s {counts['500']}, partial saves {counts['partial save']}, poisoned {counts['poisoned']}"
        )
        for detail in FAILURES.get(test, []):
            lines.append(f"    {detail}")
    return lines


class FormsParser(HTMLParser):
    """The POST forms of a page: action, fields with their current values and kinds, and buttons."""

    def __init__(self, page_url):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms = []
        self._form = None
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self._form = {
                "action": attrs.get("action") or self.page_url,
                "multipart": "multipart" in (attrs.get("enctype") or ""),
                "fields": {},
                "buttons": [],
            }
            return
        if self._form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button"):
                self._form["buttons"].append((name, attrs.get("value", "")))
            elif kind in ("radio", "checkbox"):
                field = self._form["fields"].setdefault(name, {"kind": kind, "value": None, "options": []})
                field["options"].append(attrs.get("value", "on"))
                if "checked" in attrs:
                    field["value"] = attrs.get("value", "on")
            else:
                self._form["fields"][name] = {"kind": kind, "value": attrs.get("value", ""), "options": []}
        elif tag == "button" and name:
            self._form["buttons"].append((name, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = name
            self._form["fields"][name] = {"kind": "textarea", "value": "", "options": []}
        elif tag == "select" and name:
            self._select = name
            self._form["fields"][name] = {"kind": "select", "value": None, "options": []}
        elif tag == "option" and self._select:
            field = self._form["fields"][self._select]
            field["options"].append(attrs.get("value", ""))
            if "selected" in attrs or field["value"] is None:
                field["value"] = attrs.get("value", "")

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form["fields"][self._textarea]["value"] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def post_forms(html, page_url):
    parser = FormsParser(page_url)
    parser.feed(html)
    return parser.forms


def hostile_post(data, form):
    """A POST for the form: each field kept, given a hostile value (a revision, a row count, an
    option or a string; a file with an odd name and content) or left out; one of its buttons."""
    post = {}
    for name, field in form["fields"].items():
        if name == "csrfmiddlewaretoken":
            continue
        how = data.draw(st.sampled_from(["keep", "hostile", "hostile", "omit"]), label=f"{name}: how")
        if field["kind"] == "file":
            if how != "omit":
                post[name] = SimpleUploadedFile(
                    data.draw(st.sampled_from(FILE_NAMES), label=f"{name}: file name"),
                    data.draw(st.sampled_from([PNG, b"", b"%PDF-1.4 junk", b"PK\x03\x04junk"]), label="content"),
                    content_type="image/png",
                )
            continue
        if how == "omit":
            continue
        if how == "keep":
            if field["value"] is not None:
                post[name] = field["value"]
        elif name == "revision" or name.endswith("-rows"):
            post[name] = data.draw(st.sampled_from(REVISIONS), label=name)
        elif field["options"] and data.draw(st.booleans(), label=f"{name}: an option"):
            post[name] = data.draw(st.sampled_from(field["options"]), label=name)
        else:
            post[name] = data.draw(HOSTILE_STRING, label=name)
    if form["buttons"]:
        name, value = data.draw(st.sampled_from(form["buttons"]), label="button")
        post[name] = value
    return post
