"""Inference throughput and peak memory of an unspin model on PTC-sized articles.

Usage (from the repository root, after ``make install``)::

    .venv/bin/python benchmarks/throughput.py --articles ../shared/data/ptc/train/train-articles

It measures

1. the end-to-end CLI run ``unspin semeval si ARTICLES -o OUT`` (model load included) in a
   fresh process: wall time, tokens/s, documents/s and peak resident memory;
2. the Python API (``Analyzer.analyze_batch``) for int8 vs fp32 weights (fp32 only when
   ``--fp32-model`` names a folder holding ``model.fp32.onnx``), several batch sizes and thread
   counts, each in a fresh process so peak memory is its own.

Prints a markdown table to paste into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def count_tokens(paths: list[Path]) -> int:
    from unspin.inference.model_folder import DEFAULT_MODEL_DIR
    from unspin.inference.windows import TextEncoder

    encoder = TextEncoder.from_file(DEFAULT_MODEL_DIR / "tokenizer.json")
    texts = [p.read_text(encoding="utf-8") for p in paths]
    return sum(len(t) for t in encoder.encode_batch(texts))


def run_cli(articles: Path, threads: int) -> dict[str, float]:
    unspin = Path(sys.executable).parent / "unspin"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "si.txt"
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.perf_counter()
        subprocess.run(
            [str(unspin), "semeval", "si", str(articles), "-o", str(out)],
            check=True,
            env={"PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": str(threads)},
        )
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"seconds": seconds, "peak_mb": max(peak, before) / 1024}


def api_worker(model: str, articles: Path, batch: int, threads: int, limit: int) -> None:
    """Runs in a child process: load, analyse, print one JSON line."""
    from unspin import Analyzer

    paths = sorted(articles.glob("*.txt"))[:limit]
    texts = [p.read_text(encoding="utf-8") for p in paths]
    started = time.perf_counter()
    analyzer = Analyzer(model or None, threads=threads, batch_size=batch)
    loaded = time.perf_counter()
    analyzer.analyze_batch(texts)
    done = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"load": loaded - started, "analyse": done - loaded, "peak_mb": peak}))


def run_api(model: str, articles: Path, batch: int, threads: int, limit: int) -> dict[str, float]:
    result = subprocess.run(
        [
            sys.executable,
            __file__,
            "--worker",
            model,
            str(articles),
            str(batch),
            str(threads),
            str(limit),
        ],
        check=True,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": str(threads)},
    )
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        model, articles, batch, threads, limit = sys.argv[2:7]
        api_worker(model, Path(articles), int(batch), int(threads), int(limit))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--articles", type=Path, default=REPO.parent / "shared/data/ptc/train/train-articles"
    )
    parser.add_argument("--fp32-model", default=None, help="model folder with model.fp32.onnx")
    parser.add_argument("--limit", type=int, default=60, help="articles for the API grid")
    parser.add_argument("--skip-cli", action="store_true")
    args = parser.parse_args()

    paths = sorted(args.articles.glob("*.txt"))
    print(
        f"machine: {platform.machine()}, {platform.processor() or 'cpu'}; "
        f"python {platform.python_version()}"
    )
    rows = []
    if not args.skip_cli:
        tokens = count_tokens(paths)
        cli = run_cli(args.articles, threads=2)
        rows.append(
            f"| `unspin semeval si` (all {len(paths)} articles, load included) | int8 | 1 | 2 | "
            f"{tokens / cli['seconds']:,.0f} | {len(paths) / cli['seconds']:.1f} | "
            f"{cli['peak_mb']:.0f} |"
        )
    grid_tokens = count_tokens(paths[: args.limit])
    fp32_dir = None
    if args.fp32_model:
        fp32_dir = Path(tempfile.mkdtemp())
        source = Path(args.fp32_model)
        for item in source.iterdir():
            if item.is_file() and item.name != "model.onnx":
                shutil.copy(item, fp32_dir / item.name)
        shutil.copy(source / "model.fp32.onnx", fp32_dir / "model.onnx")
    settings = [("int8", "", b, t) for b, t in ((1, 2), (4, 2), (16, 2), (1, 1))]
    if fp32_dir:
        settings.append(("fp32", str(fp32_dir), 1, 2))
    for label, model, batch, threads in settings:
        result = run_api(model, args.articles, batch, threads, args.limit)
        rows.append(
            f"| `Analyzer.analyze_batch` ({args.limit} articles) | {label} | {batch} | {threads} | "
            f"{grid_tokens / result['analyse']:,.0f} | {args.limit / result['analyse']:.1f} | "
            f"{result['peak_mb']:.0f} |"
        )
    print("| run | weights | batch | threads | tokens/s | docs/s | peak RSS MB |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
