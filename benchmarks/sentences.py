"""Compare sentence splitters on the hard cases of the tests and on real articles.

Each candidate splits one line at a time (a line break always ends a sentence in unspin), and
its sentences are located in the text as character offsets, as ``sentence_spans`` reports them.
Accuracy: the cases of ``tests/schema/sentence_cases.json`` split exactly as written, and the
boundaries found right (precision, recall). Speed: characters per second on the articles of
``--articles`` (PTC), as a ratio to unspin's splitter, measured in one sitting.

The candidates are not unspin dependencies; install them beside it, e.g.
    pip install --target /tmp/sentence-libs pysbd sentencex syntok blingfire nltk nupunkt
    PYTHONPATH=/tmp/sentence-libs .venv/bin/python benchmarks/sentences.py \\
        --articles ../shared/data/ptc/train/train-articles
A candidate that is not installed is reported as such.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections.abc import Callable
from pathlib import Path

from unspin.schema import sentence_spans

CASES = Path(__file__).resolve().parents[1] / "tests" / "schema" / "sentence_cases.json"
Splitter = Callable[[str], list[str]]


def _regex_before(line: str) -> list[str]:
    """unspin's splitter before this comparison: one regular expression."""
    boundary = re.compile(r"""[.!?]["'”’)\]]*(\s+)""")
    pieces, start = [], 0
    for match in boundary.finditer(line):
        pieces.append(line[start : match.start(1)])
        start = match.end(1)
    return [*pieces, line[start:]]


def _candidates() -> dict[str, Callable[[], Splitter]]:
    def pysbd() -> Splitter:
        import pysbd

        segmenter = pysbd.Segmenter(language="en", clean=False)
        return lambda line: list(segmenter.segment(line))

    def sentencex() -> Splitter:
        from sentencex import segment

        return lambda line: list(segment("en", line))

    def syntok() -> Splitter:
        from syntok import segmenter

        def split(line: str) -> list[str]:
            sentences = []
            for paragraph in segmenter.analyze(line):
                for sentence in paragraph:
                    start = sentence[0].offset
                    end = sentence[-1].offset + len(sentence[-1].value)
                    sentences.append(line[start:end])
            return sentences

        return split

    def blingfire() -> Splitter:
        from blingfire import text_to_sentences_and_offsets

        return lambda line: [line[a:b] for a, b in text_to_sentences_and_offsets(line)[1]]

    def nltk_punkt() -> Splitter:
        from nltk.tokenize.punkt import PunktSentenceTokenizer

        tokenizer = PunktSentenceTokenizer()  # untrained: the trained data is not on PyPI
        return lambda line: [line[a:b] for a, b in tokenizer.span_tokenize(line)]

    def nupunkt() -> Splitter:
        import nupunkt

        return lambda line: [line[a:b] for a, b in nupunkt.sent_spans(line)]

    return {
        "unspin before (one regex)": lambda: _regex_before,
        "pysbd": pysbd,
        "sentencex": sentencex,
        "syntok": syntok,
        "blingfire": blingfire,
        "nltk punkt (untrained)": nltk_punkt,
        "nupunkt": nupunkt,
    }


def locate(text: str, split: Splitter) -> list[tuple[int, int]]:
    """Offsets of ``split``'s sentences, line by line, trimmed of white space."""
    spans: list[tuple[int, int]] = []
    line_start = 0
    for line in text.split("\n"):
        at = 0
        for piece in split(line) if line.strip() else []:
            piece = piece.strip()
            if not piece:
                continue
            found = line.find(piece, at)
            if found < 0:  # the splitter changed the text: keep the order, skip the piece
                continue
            spans.append((line_start + found, line_start + found + len(piece)))
            at = found + len(piece)
        line_start += len(line) + 1
    return spans


def _ends(spans: list[tuple[int, int]]) -> set[int]:
    return {end for _, end in spans[:-1]}


def accuracy(
    split: Callable[[str], list[tuple[int, int]]],
) -> tuple[int, int, float, float, list[str]]:
    """Cases right, cases, boundary precision and recall, and the names of the cases missed."""
    cases = json.loads(CASES.read_text(encoding="utf-8"))
    right, found, correct, expected = 0, 0, 0, 0
    missed = []
    for case in cases:
        text = case.get("sep", " ").join(case["sentences"])
        gold = []
        at = 0
        for sentence in case["sentences"]:
            start = text.index(sentence, at)
            gold.append((start, start + len(sentence)))
            at = start + len(sentence)
        spans = split(text)
        if spans == gold:
            right += 1
        else:
            missed.append(case["name"])
        found += len(_ends(spans))
        expected += len(_ends(gold))
        correct += len(_ends(spans) & _ends(gold))
    return right, len(cases), correct / max(found, 1), correct / max(expected, 1), missed


def speeds(
    splitters: dict[str, Callable[[str], list[tuple[int, int]]]], texts: list[str], rounds: int
) -> dict[str, float]:
    """Characters per second over ``texts``: the best of ``rounds`` runs, the splitters taking
    turns in each round so that a busy machine slows them alike."""
    best = dict.fromkeys(splitters, float("inf"))
    for _ in range(rounds):
        for name, split in splitters.items():
            started = time.perf_counter()
            for text in texts:
                split(text)
            best[name] = min(best[name], time.perf_counter() - started)
    chars = sum(map(len, texts))
    return {name: chars / seconds for name, seconds in best.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=Path, help="folder of article*.txt (PTC)")
    parser.add_argument("--limit", type=int, default=30, help="articles to time")
    parser.add_argument("--rounds", type=int, default=3, help="timing rounds (the best counts)")
    parser.add_argument("--show-missed", action="store_true", help="name the cases missed")
    args = parser.parse_args()
    texts = []
    if args.articles:
        files = sorted(args.articles.glob("article*.txt"))[: args.limit]
        texts = [f.read_text(encoding="utf-8") for f in files]
    splitters: dict[str, Callable[[str], list[tuple[int, int]]]] = {
        "unspin sentence_spans": sentence_spans
    }
    for name, make in _candidates().items():
        try:
            split = make()
        except ImportError:
            print(f"{name}: not installed")
            continue
        splitters[name] = lambda text, split=split: locate(text, split)
    measured = speeds(splitters, texts, args.rounds) if texts else {}
    baseline = measured.get("unspin sentence_spans", 0.0)
    print(f"{len(texts)} articles, {sum(map(len, texts)):,} characters, best of {args.rounds}")
    print(
        f"{'splitter':28} {'cases':>7} {'precision':>9} {'recall':>7} {'chars/s':>11} {'ratio':>7}"
    )
    for name, split in splitters.items():
        right, total, precision, recall, missed = accuracy(split)
        rate = measured.get(name, 0.0)
        ratio = f"{rate / baseline:7.4f}" if baseline else "      -"
        scores = f"{right:>3}/{total:<3} {precision:>9.3f} {recall:>7.3f}"
        print(f"{name:28} {scores} {rate:>11,.0f} {ratio}")
        if args.show_missed and missed:
            print("    missed: " + "; ".join(missed))


if __name__ == "__main__":
    main()
