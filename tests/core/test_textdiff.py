"""Word-level differences (bcf.core.textdiff): what the version comparison and history show."""

from django.template.loader import render_to_string

from bcf.core.textdiff import DELETE, EQUAL, INSERT, paragraph_diff, paragraphs_changed, phrase_diff


def ops(runs):
    return list(runs)


def test_a_changed_phrase_is_one_deletion_and_one_insertion():
    runs = phrase_diff("Care at home by 2018 for all", "Care at home by 2019 and beyond for all")
    assert ops(runs) == [
        (EQUAL, "Care at home by "),
        (DELETE, "2018"),
        (INSERT, "2019 and beyond"),
        (EQUAL, " for all"),
    ]


def test_joining_the_runs_gives_back_both_texts():
    old, new = "One two  three.\n\nFour five", "One 2 three.\n\nFour five six"
    runs = phrase_diff(old, new)
    assert "".join(text for op, text in runs if op != INSERT) == old
    assert "".join(text for op, text in runs if op != DELETE) == new


def test_unchanged_paragraphs_are_counted_not_shown():
    old = "First paragraph.\n\nSecond paragraph.\n\nThird paragraph."
    new = "First paragraph.\n\nSecond paragraph, changed.\n\nThird paragraph.\n\nA new fourth."
    blocks = paragraph_diff(old, new)
    assert [b.unchanged for b in blocks] == [1, 0, 1, 0]
    assert paragraphs_changed(blocks) == 2


def test_the_include_escapes_the_text_and_says_what_was_removed_and_added():
    html = render_to_string("includes/textdiff.html", {"runs": phrase_diff("a <b>x</b>", "a <i>y</i>")})
    assert "<b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
    assert '<span class="govuk-visually-hidden">removed: </span>&lt;b&gt;x&lt;/b&gt;</del>' in html
    assert '<span class="govuk-visually-hidden">added: </span>&lt;i&gt;y&lt;/i&gt;</ins>' in html
