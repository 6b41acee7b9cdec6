"""The safe markup of long answers (DOMAIN.md §8): a small Markdown subset rendered to HTML.

Paragraphs, bullet and numbered lists, bold, italic, links and simple pipe tables. Raw HTML is
escaped, headings, code blocks and images are not part of the subset (they render as text), and
links may only point at http(s) or mailto addresses.
"""

import re
from functools import lru_cache

from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt

_ALLOWED_LINK = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)


def _validate_link(url):
    return bool(_ALLOWED_LINK.match(url.strip()))


@lru_cache(maxsize=1)
def _parser():
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    md.enable(["table", "linkify"])
    md.disable(["heading", "lheading", "code", "fence", "blockquote", "image", "html_block", "html_inline"])
    md.validateLink = _validate_link
    return md


def render_markup(text):
    """Return safe HTML for a long answer; blank input gives an empty string."""
    if not text or not text.strip():
        return mark_safe("")
    # Safe: the parser runs with html=False (raw HTML is escaped) and only allows http(s)/mailto links.
    return mark_safe(_rendered(text))  # noqa: S308


@lru_cache(maxsize=1024)
def _rendered(text):
    # Cached by the text itself: a plan's PDF is rendered again after any change, and the pages and
    # the PDF show the same unchanged answers over and over.
    return _parser().render(text)


def plain_text(text):
    """The answer's words without markup, for comparisons and text checks."""
    if not text:
        return ""
    tokens = _parser().parse(text)
    words = []
    for token in tokens:
        if token.type == "inline":
            words.extend(child.content for child in token.children or [] if child.type in ("text", "code_inline"))
    return " ".join(" ".join(words).split())
