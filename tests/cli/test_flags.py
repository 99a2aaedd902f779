"""Flag emoji stand in as one wide character while rich lays text out, and come back after."""

from __future__ import annotations

import io

from rich.cells import cell_len
from rich.console import Console
from rich.style import Style
from rich.text import Text

from unspin.cli.flags import FlagsRestored, text_with_stand_ins, with_flags, with_stand_ins


def test_each_flag_stands_in_as_one_character_of_the_same_width_and_comes_back() -> None:
    text = "vote 🇺🇸🇫🇷🇩🇪 now 🇯🇵🇺"
    standing_in = with_stand_ins(text)
    assert len(standing_in) == len(text) - 4
    assert cell_len(standing_in) == cell_len(text)
    assert "🇺🇸" not in standing_in and standing_in.endswith("🇺"), "a lone indicator stays"
    assert with_flags(standing_in) == text


def test_flags_pair_from_the_start_of_each_run() -> None:
    text = "🇺🇸🇫🇷🇩"
    assert with_stand_ins(text)[-1] == "🇩"
    assert with_flags(with_stand_ins(text[1:])) == text[1:]
    assert with_stand_ins(text[1:])[0] != with_stand_ins(text)[0]


def test_a_stand_in_in_the_text_itself_never_becomes_a_flag() -> None:
    smuggled = "x" + with_stand_ins("🇺🇸") + "y"
    assert with_flags(with_stand_ins(smuggled)) == "x\ufffdy"
    assert text_with_stand_ins(Text(smuggled)).plain == "x\ufffdy"


def test_styles_stay_on_the_characters_they_covered() -> None:
    text = Text("a🇺🇸b")
    text.append("c🇫🇷🇩🇪d", style="bold")
    text.stylize("red", 1, 3)
    copy = text_with_stand_ins(text)
    assert with_flags(copy.plain) == text.plain
    styled = {str(span.style): with_flags(copy.plain[span.start : span.end]) for span in copy.spans}
    assert styled == {"bold": "c🇫🇷🇩🇪d", "red": "🇺🇸"}


def test_the_restored_renderable_prints_the_flags_at_the_width_rich_measured() -> None:
    line = Text(with_stand_ins("🇺🇸" * 9 + "🇫🇷"), style=Style(bold=True))
    output = io.StringIO()
    console = Console(file=output, width=7, force_terminal=False, color_system=None)
    console.print(FlagsRestored(line))
    assert output.getvalue().splitlines() == ["🇺🇸🇺🇸🇺🇸", "🇺🇸🇺🇸🇺🇸", "🇺🇸🇺🇸🇺🇸", "🇫🇷"]
    wide = Console(width=40)
    assert wide.measure(FlagsRestored(line)) == wide.measure(Text("🇺🇸" * 10))
