"""Where end to end loses tokens per CPU-second against the raw forward pass (issue 18, point 1).

Usage (from the repository root, after ``make install-dev``)::

    .venv/bin/python benchmarks/forward_gap.py --articles ../shared/data/ptc/train/train-articles \
        --limit 20 --rounds 3

Each row runs in a fresh process on the same articles, the rows in turn (A B C ... A B C ...),
best round per row; the rate is *text* tokens per CPU-second of the process (all its threads),
so windows that read tokens twice count against their row. Rows, from the raw pass to end to end:

- ``raw``: plain onnxruntime session (one thread), non-overlapping 256-token windows;
- ``raw-aligned``: the same session over the Analyzer's own windows (``plan_aligned_windows``):
  what the overlap costs;
- ``session-x64``: those windows through a session with unspin's options and
  ``session.x64quantprecision`` on, as ``onnx_session`` did on every CPU before this script;
- ``session``: those windows through ``token_outputs.onnx_session`` as it is now (the option
  only where the CPU lacks AVX-512 VNNI);
- ``token-outputs``: ``Analyzer.token_outputs`` with hidden states, one call at a time
  (``threads=1``): windows, session and the per-window Python work;
- ``analyze-one-call``: ``Analyzer.analyze_batch``, one model call at a time (``threads=1``);
- ``analyze``: ``Analyzer.analyze_batch`` with the default threads (model load excluded).

``--check-outputs`` instead counts the Analyzer's windows of the articles (and the op-ed) whose
outputs, logits and hidden states, differ in any bit between ``onnx_session`` and a session
with ``session.x64quantprecision`` on; ``--model`` names another model folder.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROWS = [
    "raw",
    "raw-aligned",
    "session-x64",
    "session",
    "token-outputs",
    "analyze-one-call",
    "analyze",
]
WINDOW = 256


def texts_of(articles: Path, limit: int) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(articles.glob("*.txt"))[:limit]]


def worker(row: str, articles: Path, limit: int) -> dict[str, float]:
    """Child process: time one row; returns text tokens, wall and CPU seconds, windows."""
    import numpy as np
    import onnxruntime as ort

    from unspin.inference.analyzer import Analyzer
    from unspin.inference.token_outputs import onnx_session

    texts = texts_of(articles, limit)
    analyzer = Analyzer(threads=1 if row in ("token-outputs", "analyze-one-call") else None)
    encoder = analyzer.encoder
    tokenized = encoder.encode_batch(texts)
    n_tokens = sum(len(t) for t in tokenized)
    if row == "raw":
        rows = [ids[None, :] for t in tokenized for ids in encoder.tiled_ids(t, WINDOW - 2)]
    else:
        rows = [
            encoder.window_ids(tokens, window)[None, :]
            for text, tokens in zip(texts, tokenized, strict=True)
            for window in analyzer.config.windows(text, tokens)
        ]
    onnx_path = str(analyzer.folder / analyzer.config.onnx_file)
    if row in ("raw", "raw-aligned", "session-x64"):
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        if row == "session-x64":
            options.inter_op_num_threads = 1
            options.add_session_config_entry("session.x64quantprecision", "1")
        session = ort.InferenceSession(onnx_path, options, providers=["CPUExecutionProvider"])
    else:
        session = onnx_session(Path(onnx_path))
    started, started_cpu = time.perf_counter(), time.process_time()
    if row == "token-outputs":
        for begin in range(0, len(texts), 8):
            analyzer.token_outputs(texts[begin : begin + 8], with_hidden=True)
    elif row in ("analyze", "analyze-one-call"):
        analyzer.analyze_batch(texts)
    else:
        for ids in rows:
            session.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids)})
    return {
        "tokens": n_tokens,
        "window_tokens": sum(r.shape[1] - 2 for r in rows),
        "windows": len(rows),
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - started_cpu,
    }


def check_outputs(articles: Path, limit: int, model: Path | None) -> None:
    """Print how many windows differ between ``onnx_session`` and the option forced on."""
    import numpy as np
    import onnxruntime as ort

    from unspin.inference.analyzer import Analyzer
    from unspin.inference.token_outputs import onnx_session

    op_ed = Path(__file__).resolve().parent.parent / "src/unspin/examples/op-ed.txt"
    texts = [op_ed.read_text(encoding="utf-8"), *texts_of(articles, limit)]
    analyzer = Analyzer(model, threads=1)
    onnx_path = analyzer.folder / analyzer.config.onnx_file
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.add_session_config_entry("session.x64quantprecision", "1")
    forced = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
    session = onnx_session(onnx_path)
    windows = differing = 0
    for text, tokens in zip(texts, analyzer.encoder.encode_batch(texts), strict=True):
        plan = analyzer.config.windows(text, tokens)
        for window in plan:
            ids = analyzer.encoder.window_ids(tokens, window)[None, :]
            feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
            pairs = zip(session.run(None, feeds), forced.run(None, feeds), strict=True)
            windows += 1
            differing += not all(np.array_equal(a, b) for a, b in pairs)
    print(f"{analyzer.info.name}: {windows} windows of {len(texts)} texts, {differing} differ")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--rows", default=",".join(ROWS), help="comma-separated rows to run")
    parser.add_argument("--check-outputs", action="store_true")
    parser.add_argument("--model", type=Path, help="model folder for --check-outputs")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.check_outputs:
        check_outputs(args.articles, args.limit, args.model)
        return
    if args.worker:
        print(json.dumps(worker(args.worker, args.articles, args.limit)))
        return
    rows = args.rows.split(",")
    best: dict[str, dict[str, float]] = {}
    for _ in range(args.rounds):
        for row in rows:
            command = [sys.executable, __file__, "--worker", row, "--articles", str(args.articles)]
            out = subprocess.run(
                [*command, "--limit", str(args.limit)], capture_output=True, text=True, check=True
            )
            result = json.loads(out.stdout.strip().splitlines()[-1])
            if row not in best or result["cpu_seconds"] < best[row]["cpu_seconds"]:
                best[row] = result
    base = best[rows[0]]["tokens"] / best[rows[0]]["cpu_seconds"]
    from speed import cpu_flags

    print(f"CPU flags: {cpu_flags()}; {args.limit} articles, best of {args.rounds} rounds")
    print(f"{'row':16} {'windows':>7} {'fed/text':>8} {'tok/s':>7} {'tok/CPU-s':>9} {'share':>6}")
    for row in rows:
        r = best[row]
        rate = r["tokens"] / r["cpu_seconds"]
        print(
            f"{row:16} {r['windows']:7.0f} {r['window_tokens'] / r['tokens']:8.2f} "
            f"{r['tokens'] / r['seconds']:7.0f} {rate:9.0f} {rate / base:6.2f}"
        )


if __name__ == "__main__":
    main()
