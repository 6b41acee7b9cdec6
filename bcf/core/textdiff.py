"""Word-level differences between two texts, for the version comparison and the history page.

`word_diff` returns runs of equal, deleted and inserted text; `paragraph_diff` folds away unchanged
paragraphs of a long answer. Both return plain data: `templates/includes/textdiff.html` renders runs
(escaped by the template, <del>/<ins> with words for screen readers), so no HTML is built here.
"""

import difflib
import re
from dataclasses import dataclass, field

EQUAL, INSERT, DELETE = "equal", "insert", "delete"
# Words and the white space between them, so joining the tokens gives the text back exactly.
TOKENS = re.compile(r"\s+|[^\s]+")
PARAGRAPHS = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class Run:
    op: str  # EQUAL, INSERT or DELETE
    text: str

    @property
    def is_equal(self):
        return self.op == EQUAL

    @property
    def is_insert(self):
        return self.op == INSERT

    @property
    def is_delete(self):
        return self.op == DELETE


def word_diff(old, new):
    """Runs that turn `old` into `new`, word by word.

    A stretch of changed words separated only by spaces becomes one deleted and one inserted run, not
    alternating single words, so "by 2018" → "by 2019 and beyond" reads as one phrase replaced."""
    a, b = TOKENS.findall(old or ""), TOKENS.findall(new or "")
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
            runs.append(Run(EQUAL, old_text))
            continue
        if old_text.strip():
            runs.append(Run(DELETE, old_text))
        if new_text.strip():
            runs.append(Run(INSERT, new_text))
        elif not old_text.strip():
            runs.append(Run(EQUAL, new_text))
    return runs


@dataclass(frozen=True)
class Block:
    """Part of a long text: `unchanged` paragraphs folded away, or the word runs of changed ones."""

    unchanged: int = 0
    runs: list = field(default_factory=list)
    paragraphs: int = 0  # how many paragraphs this changed block covers


def paragraph_diff(old, new):
    """A long text's changes: changed paragraphs word by word, unchanged ones counted, not shown."""
    a = [p for p in PARAGRAPHS.split((old or "").strip()) if p]
    b = [p for p in PARAGRAPHS.split((new or "").strip()) if p]
    blocks = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            blocks.append(Block(unchanged=i2 - i1))
        else:
            runs = word_diff("\n\n".join(a[i1:i2]), "\n\n".join(b[j1:j2]))
            blocks.append(Block(runs=runs, paragraphs=max(i2 - i1, j2 - j1)))
    return blocks


def paragraphs_changed(blocks):
    return sum(block.paragraphs for block in blocks)
