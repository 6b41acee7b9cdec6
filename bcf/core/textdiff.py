"""A word-level difference between two texts: what was added and what was removed, with the words
around them, so a long answer's change can be read without comparing two whole texts.

`word_diff` (the history page) cuts long unchanged stretches; `phrase_diff` and `paragraph_diff` (the
version comparison) keep every word of the changed paragraphs and count the unchanged ones. All return
(op, text) runs; templates/includes/textdiff.html renders them, escaped, with words for screen readers.
"""

import difflib
import re
from dataclasses import dataclass, field

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


# --- phrases and paragraphs, for the version comparison ---------------------------------------------

EQUAL, INSERT, DELETE = "equal", "insert", "delete"
PARAGRAPHS = re.compile(r"\n\s*\n")


def phrase_diff(old, new):
    """[(op, text)] turning `old` into `new`, nothing cut. A stretch of changed words separated only by
    spaces is one deletion and one insertion, not alternating single words, so "by 2018" → "by 2019
    and beyond" reads as one phrase replaced. Joining the non-insert runs gives `old` back exactly."""
    a, b = WORDS.findall(old or ""), WORDS.findall(new or "")
    pieces = []  # [changed?, old text, new text]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        old_text, new_text = "".join(a[i1:i2]), "".join(b[j1:j2])
        if op == "equal" and not (old_text.isspace() and pieces and pieces[-1][0]):
            pieces.append([False, old_text, new_text])
        elif pieces and pieces[-1][0]:
            pieces[-1][1] += old_text
            pieces[-1][2] += new_text
        else:
            pieces.append([True, old_text, new_text])
    runs = []
    for changed, old_text, new_text in pieces:
        if not changed:
            runs.append((EQUAL, old_text))
            continue
        if old_text.strip():
            runs.append((DELETE, old_text))
        if new_text.strip():
            runs.append((INSERT, new_text))
        elif not old_text.strip():
            runs.append((EQUAL, new_text))
    return runs


@dataclass(frozen=True)
class Block:
    """Part of a long text: `unchanged` paragraphs folded away, or the (op, text) runs of changed ones."""

    unchanged: int = 0
    runs: list = field(default_factory=list)
    paragraphs: int = 0  # how many paragraphs this changed block covers


def paragraph_diff(old, new):
    """A long text's changes: changed paragraphs phrase by phrase, unchanged ones counted, not shown."""
    a = [p for p in PARAGRAPHS.split((old or "").strip()) if p]
    b = [p for p in PARAGRAPHS.split((new or "").strip()) if p]
    blocks = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            blocks.append(Block(unchanged=i2 - i1))
        else:
            runs = phrase_diff("\n\n".join(a[i1:i2]), "\n\n".join(b[j1:j2]))
            blocks.append(Block(runs=runs, paragraphs=max(i2 - i1, j2 - j1)))
    return blocks


def paragraphs_changed(blocks):
    return sum(block.paragraphs for block in blocks)
