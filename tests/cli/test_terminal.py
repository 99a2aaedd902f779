"""Terminal rendering of hostile text: control sequences never reach the terminal."""

from __future__ import annotations

import io
import re

import pytest
from rich.cells import cell_len
from rich.console import Console

from unspin.cli.terminal import (
    highlighted_text,
    print_analyses,
    printable,
    render_analysis,
    shortened,
)
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
    assert [row for row in rows if row and row[0].isdigit() and "■" in row] == [
        ["1", "■"],
        ["2", "■"],
        ["3", "■"],
    ]
    assert "⁽¹⁾⁽²⁾corrupt traitors ⁽³⁾lie" in output
    listing = output[output.index("technique") :]
    assert listing.index("Name Calling") < listing.index("Loaded Language") < listing.index("Doubt")


def test_footnote_numbers_stand_where_their_spans_start_and_read_in_order() -> None:
    text = "Only a traitor would vote against this glorious plan."
    spans = [Span(39, 47, "Loaded_Language", 0.7), Span(5, 52, "Name_Calling,Labeling", 0.9)]
    spans.append(Span(7, 14, "Loaded_Language", 0.8))
    shown = highlighted_text(text, in_reading_order(spans)).plain
    assert shown == "Only ⁽¹⁾a ⁽²⁾traitor would vote against this ⁽³⁾glorious plan."
    assert re.findall(r"⁽(.)⁾", shown) == ["¹", "²", "³"]


def _rendered(analysis: Analysis, width: int) -> list[str]:
    console = Console(record=True, width=width, force_terminal=False, color_system=None)
    print_analyses([analysis], console)
    return console.export_text().splitlines()


def test_the_box_holds_at_50_columns_and_with_emoji_flags() -> None:
    text = "Flags 🇺🇸🇫🇷 and 👨‍👩‍👧 in a reckless, disastrous plan: " + "🇩🇪" * 8
    spans = [Span(text.index("reckless"), len(text), "Loaded_Language", 0.8)]
    document = Document("x", text, title="A rather long title that a narrow terminal must cut")
    lines = _rendered(Analysis(document, spans, ModelInfo("some-model-name", "1.2.3")), 50)
    assert all(cell_len(line) == 50 for line in lines)
    assert lines[0].startswith("╭") and lines[-1] == "╰" + "─" * 48 + "╯"
    assert "some-model-name 1.2.3" in "".join(lines), "the footer is not cut off"


def test_excerpts_are_never_cut_inside_a_flag_or_an_accent() -> None:
    assert shortened("ab🇺🇸🇫🇷cd", 4) == "ab…"
    assert shortened("ab🇺🇸🇫🇷cd", 5) == "ab🇺🇸…"
    assert shortened("ae\u0301e", 3) == "a…"
    assert shortened("x👨\u200d👩\u200d👧y", 4) == "x…"
    assert shortened("short", 10) == "short"


FLAG_RUN = re.compile("[\U0001f1e6-\U0001f1ff]+")


@pytest.mark.parametrize("width", [40, 41, 50, 80])
@pytest.mark.parametrize("colour", [False, True])
def test_a_long_run_of_flags_is_wrapped_between_whole_flags_only(width: int, colour: bool) -> None:
    flags = "🇺🇸" * 45 + "🇫🇷🇩🇪🇯🇵" * 15
    text = f"A reckless plan: {flags} {flags[:22]}, flags and more flags."
    spans = [Span(2, text.index("🇫🇷") + 4, "Loaded_Language", 0.8)]
    spans.append(Span(text.index("🇺🇸") + 20, text.index(","), "Name_Calling,Labeling", 0.6))
    analysis = Analysis(Document("x", text, title="🇺🇸" * 40), spans, ModelInfo("m", "1"))
    output = io.StringIO()
    console = Console(
        file=output,
        record=True,
        width=width,
        force_terminal=colour,
        color_system="truecolor" if colour else None,
    )
    print_analyses([analysis], console)
    lines = console.export_text().splitlines()
    runs = [run for line in lines for run in FLAG_RUN.findall(line)]
    assert len(runs) > 5, "the flags are shown, over several lines"
    assert all(len(run) % 2 == 0 for run in runs), "a line breaks between the halves of a flag"
    assert "".join(runs).count("🇺🇸") > 45 + 40 // 2 + 10
    assert {cell_len(line) for line in lines} == {width}
    assert lines[0].startswith("╭") and lines[-1] == "╰" + "─" * (width - 2) + "╯"
    shown = output.getvalue()
    assert all(ord(c) < 0x30000 for c in shown), "no stand-in is left in the output"
    assert ("\x1b[" in shown) == colour
