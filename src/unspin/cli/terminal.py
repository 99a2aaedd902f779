"""Show an analysis in the terminal: highlighted text, numbered spans and a legend.

Each span is coloured with its technique's colour and followed by its number in superscript,
``⁽³⁾``. Where spans overlap, the shortest one gives the colour and the text is underlined; the
numbered listing under the text then says exactly which techniques cover what.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import pairwise

from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from unspin.cli.flags import REGIONAL_INDICATOR, FlagsRestored, text_with_stand_ins, with_stand_ins
from unspin.schema import Analysis, Span, in_reading_order
from unspin.taxonomy import UnknownTechniqueError, display_name, get_technique

_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_FALLBACK_COLOR = "magenta"
_EXCERPT_CHARS = 70
# Analysed text is hostile: terminal control characters (ESC sequences, bells, C1 codes) would
# reach the terminal, so each is shown as U+FFFD; carriage returns are dropped.
_CONTROLS = {c: "\ufffd" for c in (*range(0x20), 0x7F, *range(0x80, 0xA0)) if chr(c) not in "\n\t"}
_CONTROLS[ord("\r")] = ""


def printable(text: str) -> str:
    """``text`` with terminal control characters neutralised (newlines and tabs kept)."""
    return text.translate(_CONTROLS)


def technique_color(name: str) -> str:
    """The colour of a technique (a fallback colour for names outside the taxonomy)."""
    try:
        return get_technique(name).color
    except UnknownTechniqueError:
        return _FALLBACK_COLOR


def superscript(number: int) -> str:
    return str(number).translate(_SUPERSCRIPT)


def highlighted_text(text: str, spans: list[Span], plain: bool = False) -> Text:
    """``text`` with each of ``spans`` coloured and numbered (numbers follow ``spans``' order).

    The number stands where its span starts, ``⁽¹⁾``, so numbers read in order. ``plain``
    (output without colour: a pipe, a file) brackets each span instead, ``[¹…¹]``, so both
    ends show.
    """
    out = Text()
    bounds = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    starts: dict[int, list[int]] = {}
    ends: dict[int, list[int]] = {}
    for number, span in enumerate(spans, start=1):
        starts.setdefault(span.start, []).append(number)
        ends.setdefault(span.end, []).insert(0, number)  # the last opened closes first
    for left, right in pairwise(bounds):
        for number in starts.get(left, []):
            color = technique_color(spans[number - 1].technique)
            out.append(f"[{superscript(number)}" if plain else f"⁽{superscript(number)}⁾", color)
        covering = [s for s in spans if s.start <= left and right <= s.end]
        if covering:
            shortest = min(covering, key=lambda s: s.end - s.start)
            style = f"bold {technique_color(shortest.technique)}"
            underline = " underline" if len(covering) > 1 else ""
            out.append(printable(text[left:right]), style=style + underline)
        else:
            out.append(printable(text[left:right]))
        if plain:
            for number in ends.get(right, []):
                color = technique_color(spans[number - 1].technique)
                out.append(f"{superscript(number)}]", style=color)
    return out


_JOINERS = re.compile("[\u200d\ufe00-\ufe0f\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f]")
_REGIONAL = re.compile(REGIONAL_INDICATOR)


def shortened(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters with "…", never inside a character a
    reader sees as one (a flag, an emoji sequence, a letter with an accent)."""
    if len(text) <= limit:
        return text
    cut = limit - 1
    while cut > 0 and _inside_cluster(text, cut):
        cut -= 1
    return text[:cut] + "…"


def _inside_cluster(text: str, at: int) -> bool:
    """Whether ``text[at]`` continues the character cluster begun before it."""
    after, before = text[at], text[at - 1]
    if unicodedata.combining(after) or _JOINERS.match(after) or before == "\u200d":
        return True
    if _REGIONAL.match(after) and _REGIONAL.match(before):
        run = 0  # regional indicators right before ``at``: flags are pairs of them
        while at - run - 1 >= 0 and _REGIONAL.match(text[at - run - 1]):
            run += 1
        return run % 2 == 1
    return False


def span_table(text: str, spans: list[Span]) -> RenderableType:
    """A numbered table of spans: technique, score and the text they cover."""
    table = Table(show_edge=False, pad_edge=False, box=None, header_style="bold")
    table.add_column("#", justify="right")
    table.add_column("technique")
    table.add_column("score", justify="right")
    table.add_column("text", overflow="fold")
    for number, span in enumerate(spans, start=1):
        excerpt = shortened(" ".join(printable(span.text_in(text)).split()), _EXCERPT_CHARS)
        color = technique_color(span.technique)
        table.add_row(
            str(number),
            Text(f"■ {display_name(span.technique)}", style=color),
            f"{span.score:.2f}",
            Text(f"“{with_stand_ins(excerpt)}”"),
        )
    return FlagsRestored(table)


def render_analysis(analysis: Analysis, plain: bool = False) -> RenderableType:
    """Everything ``unspin analyze`` shows for one analysis (``plain``: for output without
    colour, where spans are bracketed)."""
    document = analysis.document
    spans = in_reading_order(analysis.spans)
    summary = analysis.summary()
    title = escape(with_stand_ins(printable(document.title or document.id)))
    parts: list[RenderableType] = [
        Text(f"⚠ {with_stand_ins(w)}\n", style="bold yellow") for w in analysis.warnings()
    ]
    parts += [text_with_stand_ins(highlighted_text(document.text.rstrip(), spans, plain)), Text()]
    if spans:
        parts.append(span_table(document.text, spans))
    elif analysis.unread_language:
        parts.append(Text("No persuasion techniques found, in a language the model does not read."))
    else:
        parts.append(Text("No persuasion techniques found.", style="italic"))
    footer = (
        f"{len(spans)} span{'s' * (len(spans) != 1)} · {summary.sentences_with_technique}/"
        f"{summary.sentences} sentences ({summary.sentence_share:.0%}) persuade · "
        f"{printable(analysis.model.name)} {printable(analysis.model.version)}"
    )
    # The footer is a line of the body, not the panel's subtitle, which a narrow terminal cuts.
    parts += [Text(), Text(with_stand_ins(footer), style="dim")]
    # Flags are laid out as stand-ins, which rich never splits (see unspin.cli.flags).
    return FlagsRestored(Panel(Group(*parts), title=f"[bold]{title}[/]", title_align="left"))


def print_analyses(analyses: list[Analysis], console: Console) -> None:
    """Print every analysis in turn; without colour (a pipe, a file) spans are bracketed."""
    for analysis in analyses:
        console.print(render_analysis(analysis, plain=console.color_system is None))


__all__ = [
    "highlighted_text",
    "print_analyses",
    "printable",
    "render_analysis",
    "span_table",
    "technique_color",
]
