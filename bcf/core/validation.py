"""One vocabulary for odd and hostile input, used by every form and importer.

Text loses the characters nobody types on purpose (NUL and other control characters, bidirectional
overrides, lone surrogates); numbers are ASCII digits only, within a stated range, never NaN or an
infinity, and "-0" is 0; a JSON document is bounded in size and nesting before it is parsed, and
its tree is checked without recursion. Messages follow the GOV.UK Design System's error-message
guidance ("Population must be 100,000,000 or less").
"""

import json
import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation

# C0 controls other than tab, line feed and carriage return; DEL and the C1 controls; the bidirectional
# embeddings, overrides and isolates (U+202A-E, U+2066-9), which make "invoice\u202egnp.exe" show as
# "invoiceexe.png"; lone surrogates (PostgreSQL and UTF-8 refuse them); and the two non-characters.
_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")
_GROUPED_NUMBER = re.compile(r"[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?")

# Limits shared by the forms and the importers.
LONG_TEXT_MAX = 60_000
SHORT_TEXT_MAX = 300
FILENAME_MAX = 200
COUNT_MAX = 10_000_000  # people or admissions: the largest provider has about 200,000 admissions a year
FINANCIAL_IMPACT_000S_MAX = 10_000_000  # £10bn, in £000s
JSON_MAX_BYTES = 10 * 1024 * 1024
JSON_MAX_DEPTH = 20
JSON_MAX_ITEMS = 2000  # rows in any one list of a document
JSON_MAX_PROBLEMS = 50


class InvalidInput(ValueError):
    """Input refused; the message is written for the person who typed it."""


def clean_text(value):
    """Text without control characters, bidi overrides or lone surrogates, with Unix line ends."""
    if not isinstance(value, str):
        return value
    return _UNWANTED.sub("", value.replace("\r\n", "\n"))


def has_unwanted_characters(value):
    return isinstance(value, str) and _UNWANTED.search(value) is not None


def clean_filename(name, *, default="file"):
    """A file name safe to show and to send back: no folders, controls or bidi overrides."""
    name = clean_text(str(name or "")).replace("\n", " ").replace("\t", " ")
    name = re.split(r"[\\/]", name)[-1].strip().strip(".")
    name = unicodedata.normalize("NFC", name)
    if len(name) > FILENAME_MAX:
        stem, dot, ext = name.rpartition(".")
        ext = ext[:20] if dot else ""
        name = (stem if dot else name)[: FILENAME_MAX - len(ext) - 1] + (f".{ext}" if ext else "")
    return name or default


def is_ascii_digits(text):
    return isinstance(text, str) and text.isascii() and text.isdigit()


def _show(number):
    if isinstance(number, Decimal):
        number = number.normalize()
        if number == number.to_integral_value():
            number = int(number)
        else:
            return f"{number:,f}"
    return f"{number:,}"


def range_message(name, minimum=None, maximum=None):
    if minimum is not None and maximum is not None:
        return f"{name} must be between {_show(minimum)} and {_show(maximum)}"
    if minimum is not None:
        return f"{name} must be {_show(minimum)} or more"
    return f"{name} must be {_show(maximum)} or less"


def parse_number(raw, *, name="The number", places=0, minimum=Decimal(0), maximum=None):
    """A number as people type it ("2,943", "2943", "85.2"), ASCII digits only.

    Returns an int when places is 0, else a Decimal; None for blank input. Raises InvalidInput with a
    GOV.UK-style message naming `name`. "-0" is read as 0. Exponents ("1e308"), NaN, infinities and
    other scripts' digits are refused, so nothing too large for the database gets past.
    """
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise InvalidInput(f"{name} must be a number")
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise InvalidInput(f"{name} must be a number")
        raw = repr(raw)
    text = str(raw).strip().replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    if _GROUPED_NUMBER.fullmatch(text):
        text = text.replace(",", "")
    if not _PLAIN_NUMBER.fullmatch(text):
        if "e" in text.lower() and re.fullmatch(r"[+-]?[0-9.]+[eE][+-]?[0-9]+", text):
            raise InvalidInput(f"{name} must be written out in full, like 2,943 or 85.2")
        raise InvalidInput(f"{name} must be a number, like 2,943 or 85.2")
    digits = text.lstrip("+-").split(".")[0].lstrip("0")
    if len(digits) > 20:  # far beyond every field's maximum; no arithmetic on it
        raise InvalidInput(range_message(name, minimum, maximum) if maximum is not None else f"{name} is too large")
    try:
        number = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        raise InvalidInput(f"{name} must be a number") from None
    number = number + 0  # "-0" and "-0.0" become 0
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise InvalidInput(range_message(name, minimum, maximum))
    if places == 0:
        if number != number.to_integral_value():
            raise InvalidInput(f"{name} must be a whole number")
        return int(number)
    quantum = Decimal(1).scaleb(-places)
    if number != number.quantize(quantum):
        raise InvalidInput(f"{name} must have {places} decimal place{'s' if places != 1 else ''} or fewer")
    return number


def check_number(value, *, name="The number", minimum=None, maximum=None, places=0):
    """Check a number already read (from JSON or a spreadsheet cell); the same rules as parse_number."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise InvalidInput(f"{name} must be a number")
    if isinstance(value, float | Decimal) and not math.isfinite(value):
        raise InvalidInput(f"{name} must be a number")
    if isinstance(value, int) and abs(value) > 10**20:
        raise InvalidInput(range_message(name, minimum, maximum) if maximum is not None else f"{name} is too large")
    if isinstance(value, float) and abs(value) > 1e20:
        raise InvalidInput(range_message(name, minimum, maximum) if maximum is not None else f"{name} is too large")
    text = repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, float) and "e" in text:
        text = f"{Decimal(text):f}"
    return parse_number(text, name=name, places=places, minimum=minimum, maximum=maximum)


# --- JSON documents ---------------------------------------------------------------------------------


def _depth(text):
    """The deepest nesting of arrays and objects in JSON text, without parsing it (no recursion)."""
    depth = deepest = 0
    for match in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', text):
        bracket = match.group()
        if bracket in ("[", "{"):
            depth += 1
            deepest = max(deepest, depth)
        elif bracket in ("]", "}"):
            depth -= 1
    return deepest


def _refuse_constant(name):
    raise InvalidInput(f"{name} is not a number JSON allows")


def load_json(data, *, max_bytes=JSON_MAX_BYTES, max_depth=JSON_MAX_DEPTH):
    """Parse JSON text or bytes with bounds: size, nesting depth, no NaN or Infinity. Raises InvalidInput."""
    if isinstance(data, bytes | bytearray):
        if len(data) > max_bytes:
            raise InvalidInput(f"the file is larger than {max_bytes // (1024 * 1024)} MB")
        try:
            data = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidInput("the file is not UTF-8 text") from None
    elif len(data) > max_bytes:
        raise InvalidInput(f"the file is larger than {max_bytes // (1024 * 1024)} MB")
    if _depth(data) > max_depth:
        raise InvalidInput(f"the document is nested more than {max_depth} levels deep")
    try:
        return json.loads(data, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"not valid JSON: line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except (ValueError, RecursionError) as exc:  # e.g. an integer of more than 4,300 digits
        raise InvalidInput(f"not valid JSON: {exc}") from None


def json_path(parts):
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def json_tree_problems(doc, *, max_depth=JSON_MAX_DEPTH, max_items=JSON_MAX_ITEMS, max_text=LONG_TEXT_MAX):
    """(path, message) for every value no form would accept, whatever the field: NaN or infinite
    numbers, text with control characters or longer than any field, lists longer than any table,
    nesting deeper than the format has. Walks the tree without recursion. (Each field's own range is
    the schema's and the importer's business.)"""
    problems = []
    stack = [((), doc, 0)]
    while stack and len(problems) < JSON_MAX_PROBLEMS:
        path, value, depth = stack.pop()
        if depth > max_depth:
            problems.append((json_path(path), f"is nested more than {max_depth} levels deep"))
            continue
        if isinstance(value, dict):
            for key, child in reversed(list(value.items())):
                if has_unwanted_characters(key):
                    problems.append((json_path((*path, clean_text(key))), "the key has control characters"))
                    continue
                stack.append(((*path, key), child, depth + 1))
        elif isinstance(value, list):
            if len(value) > max_items:
                problems.append((json_path(path), f"has {len(value):,} items: at most {max_items:,} are allowed"))
                continue
            for index in range(len(value) - 1, -1, -1):
                stack.append(((*path, index), value[index], depth + 1))
        elif isinstance(value, float):
            if not math.isfinite(value):
                problems.append((json_path(path), "must be a number (NaN and infinities are not numbers)"))
        elif isinstance(value, str):
            if has_unwanted_characters(value):
                problems.append((json_path(path), "has control characters (such as NUL) or direction overrides"))
            elif len(value) > max_text:
                problems.append((json_path(path), f"must be {max_text:,} characters or fewer"))
    return problems


def schema_message(error, format_name):
    """A JSON Schema validation error in words for the person who made the file, without repeating a
    long or hostile value back (jsonschema's own message quotes the value)."""
    limit = error.validator_value
    if error.validator == "maxLength":
        return f"must be {limit:,} characters or fewer"
    if error.validator in ("maxItems", "maxProperties"):
        return f"must have {limit:,} items or fewer"
    if error.validator == "minimum":
        return f"must be {limit:,} or more"
    if error.validator == "maximum":
        return f"must be {limit:,} or less"
    if error.validator == "type":
        expected = limit if isinstance(limit, list) else [limit]
        return f"must be {' or '.join(str(t) for t in expected)}"
    if error.validator == "pattern":
        return "is not in the expected form (a date is YYYY-MM-DD, a month YYYY-MM)"
    if error.validator == "enum":
        return "must be one of " + ", ".join("null" if v is None else str(v) for v in limit)
    if error.validator == "additionalProperties":
        return f"has a field {format_name} does not have"
    return error.message if len(error.message) <= 300 else error.message[:300] + "…"
