"""Cost of the technique classifier's text model, in CPU seconds on PTC articles with and
without it, interleaved in one sitting (CPU time, not wall time, so a busy machine hardly moves
the ratio): ``Analyzer.analyze_batch`` (which does not use it: found spans are named by the
span head alone) and ``Analyzer.classify_spans`` of the spans found (technique
classification of given spans, which does).

Usage (from the repository root, after ``make install-dev``)::

    .venv/bin/python benchmarks/technique_classifier.py \\
        --articles ../shared/data/ptc/train/train-articles --model MODEL_WITH_TEXT_EXPERT

``--model`` is a model folder whose config names a text expert; the same folder with the
expert switched off is the baseline. Prints a markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import tempfile
import time
from pathlib import Path

from unspin.inference import Analyzer
from unspin.inference.model_folder import ModelConfig


def cpu_seconds(analyzer: Analyzer, texts: list[str]) -> tuple[float, float]:
    """CPU seconds to analyse ``texts``, and then to classify the spans found as given spans
    (token outputs computed once, outside the second figure)."""
    started = time.process_time()
    analyses = analyzer.analyze_batch(texts)
    analysed = time.process_time() - started
    outputs = analyzer.token_outputs(texts, with_hidden=True)
    started = time.process_time()
    for analysis, out in zip(analyses, outputs, strict=True):
        spans = [(s.start, s.end) for s in analysis.spans]
        analyzer.classify_spans(analysis.document.text, spans, out)
    return analysed, time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=Path, required=True)
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    texts = [p.read_text(encoding="utf-8") for p in sorted(args.articles.glob("*.txt"))]
    texts = texts[: args.limit]
    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / "plain"
        shutil.copytree(args.model, plain)
        config = ModelConfig.load(plain)
        config.text_expert_file = ""
        config.save(plain)
        models = {"without text model": Analyzer(plain, threads=1)}
        models["with text model"] = Analyzer(args.model, threads=1)
        assert models["with text model"].classifier.text_expert is not None, (
            "--model has no text model"
        )
        spent = {name: [0.0, 0.0] for name in models}
        cpu_seconds(models["with text model"], texts[:2])  # warm-up
        for _ in range(args.rounds):
            for name, analyzer in models.items():
                analysed, classified = cpu_seconds(analyzer, texts)
                spent[name][0] += analysed
                spent[name][1] += classified
    tokens = sum(len(t) for t in Analyzer(args.model).encoder.encode_batch(texts))
    print(f"{len(texts)} articles, {tokens:,} tokens, {args.rounds} interleaved rounds, ")
    print(f"{platform.processor() or platform.machine()}, one model thread\n")
    print("| model | analyse: CPU s per round | tokens per CPU-second | relative speed | ", end="")
    print("classify found spans: CPU s per round |")
    print("|---|---|---|---|---|")
    base = spent["without text model"][0]
    for name, (analysed, classified) in spent.items():
        per_round = analysed / args.rounds
        print(
            f"| {name} | {per_round:.2f} | {tokens / per_round:,.0f} | {base / analysed:.3f} | "
            f"{classified / args.rounds:.3f} |"
        )


if __name__ == "__main__":
    main()
