"""Does a passage get the same spans wherever a long text holds it? (issue 14, point 2)

Usage (from the repository root, after ``make install``)::

    A=../shared/data/ptc/train/train-articles
    .venv/bin/python benchmarks/window_position.py --articles $A

For each passage (the shipped op-ed, and ``--limit`` PTC articles when ``--articles`` is given)
it analyses one text of about 100,000 characters made of copies of the passage separated by a
blank line, and reports the share of copies whose span set (offsets relative to the copy,
technique, score) equals the most common one, the share equal to the passage analysed alone,
and the number of different span sets. Uses only the public API, so it runs on older code too.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from unspin import Analyzer

REPO = Path(__file__).resolve().parent.parent
TEXT_CHARS = 100_000
SpanSet = frozenset[tuple[int, int, str, float]]


def copies_of(analyzer: Analyzer, passage: str) -> tuple[list[SpanSet], SpanSet]:
    """The span set of each copy of ``passage`` in one long text, and of the passage alone."""
    n = max(2, TEXT_CHARS // (len(passage) + 2))
    spans = analyzer.analyze("\n\n".join([passage] * n)).spans
    sets = []
    for copy in range(n):
        offset = copy * (len(passage) + 2)
        sets.append(
            frozenset(
                (s.start - offset, s.end - offset, s.technique, s.score)
                for s in spans
                if offset <= s.start < offset + len(passage)
            )
        )
    alone = frozenset(
        (s.start, s.end, s.technique, s.score) for s in analyzer.analyze(passage).spans
    )
    return sets, alone


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=Path, default=None, help="PTC article folder")
    parser.add_argument("--limit", type=int, default=3, help="PTC articles to use (default 3)")
    args = parser.parse_args()
    passages = {"op-ed.txt": (REPO / "src/unspin/examples/op-ed.txt").read_text(encoding="utf-8")}
    if args.articles:
        for path in sorted(args.articles.glob("*.txt"))[: args.limit]:
            passages[path.name] = path.read_text(encoding="utf-8").strip()
    analyzer = Analyzer()
    print("| passage | copies | same as the most common | same as alone | different sets |")
    print("|---|---|---|---|---|")
    for name, passage in passages.items():
        sets, alone = copies_of(analyzer, passage)
        common = Counter(sets).most_common(1)[0][1]
        same_alone = sum(s == alone for s in sets)
        print(
            f"| {name} | {len(sets)} | {common / len(sets):.2f} | {same_alone / len(sets):.2f} "
            f"| {len(set(sets))} |"
        )


if __name__ == "__main__":
    main()
