"""Terminal rendering of hostile text: control sequences never reach the terminal."""

from __future__ import annotations

from rich.console import Console

from unspin.cli.terminal import printable, render_analysis
from unspin.schema import Analysis, Document, ModelInfo, Span, in_reading_order

HOSTILE = "[bold red]Only[/] a \x1b[31mtraitor\x1b[0m\r\nwould ring\x07 the bell\x9b2J."


def test_printable_neutralises_controls_and_keeps_offsets_of_other_characters() -> None:
    assert printable("a\x1b[31mb\tc\nd\r\n") == "a\ufffd[31mb\tc\nd\n"
    assert printable("\x07\x9b\x7f") == "\ufffd" * 3
    assert printable("مرحبا 👋🏽 é") == "مرحبا 👋🏽 é"


def test_rendered_analysis_has_no_control_characters_and_no_markup() -> None:
    start = HOSTILE.index("\x1b[31mtraitor")
    span = Span(start, start + len("\x1b[31mtraitor"), "Name_Calling,Labeling", 0.9)
    analysis = Analysis(
        Document(id="x", text=HOSTILE, title="\x1b]0;pwned\x07title"), [span], ModelInfo("m", "1")
    )
    console = Console(record=True, width=100, force_terminal=False, color_system=None)
    console.print(render_analysis(analysis))
    output = console.export_text()
    assert not any(ord(c) < 0x20 and c not in "\n" for c in output)
    assert not any(0x7F <= ord(c) < 0xA0 for c in output)
    assert "[bold red]Only[/]" in output, "markup in the text is shown literally"
    assert "\ufffd[31mtraitor" in output and "Name Calling" in output


def test_spans_are_numbered_in_reading_order_whatever_order_they_come_in() -> None:
    text = "Those corrupt traitors lie."
    spans = [
        Span(6, 13, "Loaded_Language", 0.8),
        Span(6, 22, "Name_Calling,Labeling", 0.9),
        Span(23, 26, "Doubt", 0.6),
    ]
    assert in_reading_order(spans) == [spans[1], spans[0], spans[2]]
    console = Console(record=True, width=100, force_terminal=False, color_system=None)
    console.print(render_analysis(Analysis(Document("x", text), spans, ModelInfo("m", "1"))))
    output = console.export_text()
    rows = [line.strip("│ ").split()[:2] for line in output.splitlines()]
    assert [row for row in rows if row and row[0].isdigit()] == [
        ["1", "■"],
        ["2", "■"],
        ["3", "■"],
    ]
    assert "corrupt⁽²⁾ traitors⁽¹⁾ lie⁽³⁾" in output
    listing = output[output.index("technique") :]
    assert listing.index("Name Calling") < listing.index("Loaded Language") < listing.index("Doubt")
