from bcf.core.markup import plain_text, render_markup


def test_paragraphs_lists_bold_links_and_tables_render():
    html = render_markup(
        "First paragraph.\n\nSecond with **bold** and https://www.rutland.gov.uk\n\n"
        "- one\n- two\n\n1. first\n2. second\n\n"
        "| Locality | 2014/15 |\n| --- | --- |\n| North Nottinghamshire | £2,227,000 |"
    )
    assert html.count("<p>") == 2
    assert "<strong>bold</strong>" in html
    assert '<a href="https://www.rutland.gov.uk">' in html
    assert "<ul>" in html and "<ol>" in html
    assert "<table>" in html and "<th>Locality</th>" in html and "<td>£2,227,000</td>" in html


def test_raw_html_is_escaped_never_rendered():
    html = render_markup('<script>alert(1)</script> <img src="x" onerror="alert(2)">')
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


def test_dangerous_links_and_images_are_not_rendered():
    html = render_markup("[click](javascript:alert(1)) ![x](file:///etc/passwd) ![y](http://evil.example/x.png)")
    assert 'href="javascript' not in html
    assert "<img" not in html


def test_headings_are_not_part_of_the_subset():
    assert "<h1>" not in render_markup("# Not a heading")


def test_plain_text_drops_markup():
    assert plain_text("**Bold** and [a link](https://example.org)\n\n- item") == "Bold and a link item"
