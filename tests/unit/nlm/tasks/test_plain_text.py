"""HTML input becomes plain text; plain text stays as it is."""

from __future__ import annotations

from zgpu.nlm.tasks.plain_text import to_plain_text


def test_tags_scripts_and_entities() -> None:
    html = (
        "<html><head><title>Rates</title><style>p{color:red}</style></head><body>"
        "<h1>Mortgages &amp; loans</h1><p>Rates rose.<br>Again.</p>"
        "<ul><li>one</li><li>two</li></ul><script>var x = 1;</script></body></html>"
    )
    text = to_plain_text(html)
    assert "<" not in text
    assert "color" not in text
    assert "var x" not in text
    assert "Mortgages & loans" in text
    assert "- one" in text
    assert "- two" in text


def test_plain_text_with_angle_brackets_is_kept() -> None:
    assert to_plain_text("  a < b and c > d  ") == "a < b and c > d"


def test_malformed_markup_does_not_raise() -> None:
    assert to_plain_text("<p>unclosed <b>bold <i").startswith("unclosed bold")
