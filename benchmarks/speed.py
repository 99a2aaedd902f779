"""End-to-end speed against the raw forward pass, in one sitting (issue 18).

Usage (from the repository root, after ``make install-dev``)::

    .venv/bin/python benchmarks/speed.py --articles ../shared/data/ptc/train/train-articles

Prints, on the same articles and in this order, each in a fresh process:

1. the raw onnxruntime forward pass of the 1.2.0 ``model.onnx`` as shipped at commit 66846ca
   (read from git history), over non-overlapping 256-token windows, one default session;
2. the same for the ``model.onnx`` of the current model folder (``--model``);
3. ``unspin semeval si ARTICLES`` end to end, model load included, and its peak memory;

then each rate as a share of the 1.2.0 raw rate, and the CPU's instruction-set flags.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHIPPED_1_2_0 = "66846ca"
SHIPPED_PATH = "src/unspin/models/default/model.onnx"
WINDOW = 256


def texts_of(articles: Path, limit: int) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(articles.glob("*.txt"))[:limit]]


def raw_worker(onnx_path: str, articles: str, limit: int, repeats: int) -> None:
    """Child process: plain onnxruntime over non-overlapping windows; prints tokens/s."""
    import numpy as np
    import onnxruntime as ort

    from unspin.inference.model_folder import DEFAULT_MODEL_DIR, TOKENIZER_FILE
    from unspin.inference.windows import TextEncoder

    encoder = TextEncoder.from_file(DEFAULT_MODEL_DIR / TOKENIZER_FILE)
    rows = []
    for tokens in encoder.encode_batch(texts_of(Path(articles), limit)):
        for start in range(0, len(tokens), WINDOW - 2):
            body = tokens.ids[start : start + WINDOW - 2]
            rows.append(np.concatenate(([encoder.cls_id], body, [encoder.sep_id]))[None, :])
    session = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        for ids in rows:
            session.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids)})
        best = min(best, time.perf_counter() - started)
    n_tokens = sum(r.shape[1] - 2 for r in rows)
    print(json.dumps({"tokens": n_tokens, "seconds": best}))


def run_raw(onnx_path: Path, articles: Path, limit: int, repeats: int) -> dict[str, float]:
    command = [sys.executable, __file__, "--raw-worker", str(onnx_path), str(articles)]
    result = subprocess.run(
        [*command, str(limit), str(repeats)], check=True, capture_output=True, text=True
    )
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def run_end_to_end(articles: Path, limit: int, model: str | None) -> dict[str, float]:
    unspin = Path(sys.executable).parent / "unspin"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        for path in sorted(articles.glob("*.txt"))[:limit]:
            (folder / path.name).write_bytes(path.read_bytes())
        command = [str(unspin), "semeval", "si", str(folder), "-o", str(Path(tmp) / "si.txt")]
        if model:
            command += ["--model", model]
        started = time.perf_counter()
        subprocess.run(command, check=True)
        seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": seconds, "peak_mb": peak_mb}


def cpu_flags() -> str:
    wanted = ("avx", "avx2", "fma", "avx512f", "avx512_vnni", "avx_vnni", "amx_int8")
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
        line = next(line for line in lines if line.startswith("flags"))
    except (OSError, StopIteration):
        return "unknown"
    return " ".join(flag for flag in line.split(":", 1)[1].split() if flag in wanted)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--raw-worker":
        raw_worker(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=Path, required=True, help="PTC article folder")
    parser.add_argument("--limit", type=int, default=75, help="articles to use (default 75)")
    parser.add_argument("--model", default=None, help="model folder (default: the shipped one)")
    parser.add_argument("--repeats", type=int, default=2, help="raw passes; the best counts")
    args = parser.parse_args()

    from unspin.inference.model_folder import ONNX_FILE, resolve_model_dir

    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "model-1.2.0.onnx"
        blob = subprocess.run(
            [
                "git",
                "-C",
                str(REPO),
                "show",
                f"{SHIPPED_1_2_0}:{SHIPPED_PATH}",
            ],
            check=True,
            capture_output=True,
        ).stdout
        old.write_bytes(blob)
        baseline = run_raw(old, args.articles, args.limit, args.repeats)
        current = run_raw(
            resolve_model_dir(args.model) / ONNX_FILE, args.articles, args.limit, args.repeats
        )
    end_to_end = run_end_to_end(args.articles, args.limit, args.model)
    tokens = baseline["tokens"]
    rates = {
        "raw forward, 1.2.0 model.onnx": tokens / baseline["seconds"],
        "raw forward, current model.onnx": tokens / current["seconds"],
        "`unspin semeval si`, end to end with load": tokens / end_to_end["seconds"],
    }
    print(f"machine: {platform.machine()}, CPU flags: {cpu_flags()}; {args.limit} articles, ")
    print(f"{tokens:,} tokens; peak memory of the end-to-end run {end_to_end['peak_mb']:.0f} MB")
    print("| run | tokens/s | share of 1.2.0 raw |")
    print("|---|---|---|")
    first = rates["raw forward, 1.2.0 model.onnx"]
    for label, rate in rates.items():
        print(f"| {label} | {rate:,.0f} | {rate / first:.2f} |")


if __name__ == "__main__":
    main()
