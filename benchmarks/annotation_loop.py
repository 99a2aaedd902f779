"""The annotation loop, measured: pre-annotate, correct, fine-tune with --init, score before/after.

Reproduces docs/annotation-loop.md. The shipped model was trained on a seeded split of the PTC
training articles (seed 13: 80 % train, 10 % dev, 10 % test). Twenty of its dev articles (never
trained on) stand in for a team's new documents: they are pre-annotated with ``unspin
analyze``, converted to Label Studio tasks, "corrected" by replacing each task's predictions
with the gold labels (standing in for an annotator), and the export is fine-tuned on with
``unspin train --data ... --init``. Both models are then scored with ``unspin evaluate`` on the
split's test articles, which neither saw. Every step runs the real command and is timed.

    .venv/bin/python benchmarks/annotation_loop.py --ptc ../shared/data/ptc/train -o runs/loop
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from unspin.formats.annotated import Annotated
from unspin.formats.convert import read_annotations
from unspin.formats.documents import write_jsonl
from unspin.formats.labelstudio import label_results
from unspin.formats.ptc import write_corpus
from unspin.inference.model_folder import DEFAULT_MODEL_DIR, ModelConfig
from unspin.training.data import load_ptc, split_by_article

UNSPIN = [sys.executable, "-m", "unspin.cli.main"]


def run(step: str, args: list[str], timings: dict[str, float]) -> str:
    """Run one unspin command, time it, and return its standard output."""
    started = time.perf_counter()
    done = subprocess.run([*UNSPIN, *args], capture_output=True, text=True, check=False)
    timings[step] = round(time.perf_counter() - started, 1)
    if done.returncode != 0:
        raise SystemExit(f"{step} failed:\n{done.stdout}\n{done.stderr}")
    print(f"{step}: {timings[step]} s", file=sys.stderr)
    return done.stdout


def correct(tasks: Path, gold: dict[str, Annotated], export: Path) -> dict[str, int]:
    """Replace every task's predictions with an annotation of its gold spans (the annotator)."""
    loaded: list[dict[str, Any]] = json.loads(tasks.read_text(encoding="utf-8"))
    predicted = removed = added = 0
    for task in loaded:
        item = gold[task["data"]["id"]]
        before = {
            (r["value"]["start"], r["value"]["end"], r["value"]["labels"][0])
            for p in task.pop("predictions")
            for r in p["result"]
        }
        after = {(s.start, s.end, s.technique) for s in item.spans}
        predicted += len(before)
        removed += len(before - after)
        added += len(after - before)
        task["annotations"] = [
            {"result": label_results(item.document.text, item.spans, scored=False)}
        ]
    export.write_text(json.dumps(loaded, ensure_ascii=False), encoding="utf-8")
    return {"predicted_spans": predicted, "deleted": removed, "added": added}


def scores(gold: Path, predictions: Path, timings: dict[str, float], name: str) -> dict[str, Any]:
    result = {}
    for task in ("si", "flc"):
        output = run(
            f"evaluate {task} ({name})",
            ["evaluate", "--task", task, str(gold), str(predictions), "--json"],
            timings,
        )
        found = json.loads(output)
        result[task] = {k: round(found[k], 4) for k in ("precision", "recall", "f1")}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ptc", type=Path, required=True)
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()
    out: Path = args.output
    out.mkdir(parents=True, exist_ok=True)
    split = split_by_article(load_ptc(args.ptc), seed=13, dev_share=0.1, test_share=0.1)
    batch = [Annotated(d, s) for d, s in split.dev[: args.articles]]
    held_out = [Annotated(d, s) for d, s in split.test]
    timings: dict[str, float] = {}
    shipped = ModelConfig.load(DEFAULT_MODEL_DIR)

    write_jsonl(out / "batch.jsonl", [item.document for item in batch])
    run(
        "analyze (pre-annotate)",
        ["analyze", str(out / "batch.jsonl"), "-f", "jsonl", "-o", str(out / "pre.jsonl")],
        timings,
    )
    run(
        "convert to Label Studio",
        ["convert", str(out / "pre.jsonl"), str(out / "tasks.json"), "--to", "label-studio"],
        timings,
    )
    edits = correct(out / "tasks.json", {i.document.id: i for i in batch}, out / "export.json")
    assert len(read_annotations(out / "export.json").items) == len(batch)

    tuned = out / "model"
    run(
        "train --init (fine-tune)",
        [
            "train",
            "--data",
            str(out / "export.json"),
            "--init",
            str(DEFAULT_MODEL_DIR),
            "-o",
            str(tuned),
            "--dev-share",
            "0.2",
            "--test-share",
            "0",
            "--epochs",
            str(args.epochs),
            "--name",
            f"{shipped.name}-loop",
            "--version",
            f"{shipped.version}-loop",
        ],
        timings,
    )

    write_corpus(out / "held-out", held_out)
    write_jsonl(out / "held-out.jsonl", [item.document for item in held_out])
    results: dict[str, Any] = {}
    for name, model in (("before", DEFAULT_MODEL_DIR), ("after", tuned)):
        predictions = out / f"held-out-{name}.jsonl"
        run(
            f"analyze held-out ({name})",
            [
                "analyze",
                str(out / "held-out.jsonl"),
                "-f",
                "jsonl",
                "--model",
                str(model),
                "-o",
                str(predictions),
            ],
            timings,
        )
        results[name] = scores(out / "held-out", predictions, timings, name)
    report = {
        "batch_articles": len(batch),
        "held_out_articles": len(held_out),
        "gold_spans_in_batch": sum(len(i.spans) for i in batch),
        "corrections": edits,
        "scores": results,
        "seconds": timings,
    }
    (out / "report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
