"""Speed and memory of the multilingual model against the fast English model.

Usage (from the repository root, after ``make install``)::

    .venv/bin/python benchmarks/multilingual_speed.py \\
        --arabic ../shared/data/araieval24_task1/araieval24_task1_dev.jsonl \\
        --articles ../shared/data/ptc/train/train-articles

Each model analyses the same Arabic texts and the same English articles with
``Analyzer.analyze_batch``, each run in a fresh process (so model load and peak memory are its
own): load seconds, characters/s, and peak resident memory. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from speed import cpu_flags, texts_of

from unspin.formats.araieval import read_spans


def texts(arabic: Path, articles: Path, language: str, limit: int) -> list[str]:
    if language == "ar":
        return [document.text for document, _ in read_spans(arabic)[:limit]]
    return texts_of(articles, limit)


def worker(model: str, language: str, arabic: str, articles: str, limit: int) -> None:
    """Child process: load ``model``, analyse the texts; prints one JSON line."""
    from unspin.inference.analyzer import Analyzer
    from unspin.inference.model_folder import resolve_model_dir

    batch = texts(Path(arabic), Path(articles), language, limit)
    started = time.perf_counter()
    analyzer = Analyzer(resolve_model_dir(model))
    loaded = time.perf_counter()
    analyzer.analyze_batch(batch)
    done = time.perf_counter()
    tokens = sum(len(t) for t in analyzer.encoder.encode_batch(batch))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {"load": loaded - started, "seconds": done - loaded, "tokens": tokens}
    print(json.dumps({**result, "chars": sum(map(len, batch)), "peak_mb": peak_mb}))


def measure(model: str, language: str, args: argparse.Namespace) -> dict[str, float]:
    command = [sys.executable, __file__, "--worker", model, language, str(args.arabic)]
    command += [str(args.articles), str(args.limit)]
    result = subprocess.run(command, check=True, capture_output=True, text=True)
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        model, language, arabic, articles, limit = sys.argv[2:7]
        worker(model, language, arabic, articles, int(limit))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--arabic", type=Path, required=True, help="ArAIEval-2024 JSONL")
    parser.add_argument("--articles", type=Path, required=True, help="PTC articles folder")
    parser.add_argument("--limit", type=int, default=40, help="texts of each language")
    parser.add_argument("--models", nargs="+", default=["fast", "multilingual"])
    args = parser.parse_args()
    print(f"CPU flags: {cpu_flags()}\n")
    print("| model | texts | load s | chars/s | tokens/s | peak MB |")
    print("|---|---|---|---|---|---|")
    for language in ("ar", "en"):
        for model in args.models:
            r = measure(model, language, args)
            print(
                f"| {model} | {language} | {r['load']:.1f} | {r['chars'] / r['seconds']:,.0f} | "
                f"{r['tokens'] / r['seconds']:,.0f} | {r['peak_mb']:.0f} |"
            )


if __name__ == "__main__":
    main()
