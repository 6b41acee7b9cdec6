"""A word-level difference between two texts: what was added and what was removed, with the words
around them, so a long answer's change can be read without comparing two whole texts."""

import difflib
import re

WORDS = re.compile(r"\S+|\s+")
CONTEXT_WORDS = 12


def word_diff(old, new, *, context=CONTEXT_WORDS):
    """[(op, text)] with op "equal", "insert" or "delete"; long unchanged runs are cut to `context`
    words on each side of a change, with "…" between."""
    a, b = WORDS.findall(old or ""), WORDS.findall(new or "")
    runs = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            runs.append(("equal", a[i1:i2]))
        else:
            if i2 > i1:
                runs.append(("delete", a[i1:i2]))
            if j2 > j1:
                runs.append(("insert", b[j1:j2]))
    out = []
    for index, (op, tokens) in enumerate(runs):
        if op == "equal":
            words = [t for t in tokens if not t.isspace()]
            if len(words) > 2 * context:
                head = _first_words(tokens, context) if index > 0 else ""
                tail = _last_words(tokens, context) if index < len(runs) - 1 else ""
                text = f"{head} … {tail}".strip() if head or tail else "…"
                out.append(("equal", text))
                continue
        out.append((op, "".join(tokens)))
    return out


def changed_words(old, new):
    """(words added, words removed)."""
    added = removed = 0
    for op, text in word_diff(old, new, context=0):
        if op == "insert":
            added += len(text.split())
        elif op == "delete":
            removed += len(text.split())
    return added, removed


def _first_words(tokens, count):
    out, seen = [], 0
    for token in tokens:
        if not token.isspace():
            if seen == count:
                break
            seen += 1
        out.append(token)
    return "".join(out).rstrip()


def _last_words(tokens, count):
    out, seen = [], 0
    for token in reversed(tokens):
        if not token.isspace():
            if seen == count:
                break
            seen += 1
        out.append(token)
    return "".join(reversed(out)).lstrip()
