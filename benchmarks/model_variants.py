"""Accuracy and cross-CPU agreement of other ``model.onnx`` files of a model folder (issue 18, 14).

Usage (from the repository root, after ``make install-dev``; variants from
``scripts/fuse_model.py``)::

    # dev and test scores of the folder's model and of each variant (the split of `unspin train`)
    .venv/bin/python benchmarks/model_variants.py accuracy --ptc ../shared/data/ptc/train \\
        --variant fused=/tmp/fused/fused-s8-pc.onnx
    # token logits and spans of the example texts, on this CPU and on an emulated one
    .venv/bin/python benchmarks/model_variants.py outputs -o native.npz --variant fused=...
    qemu-x86_64 -cpu Haswell .venv/bin/python benchmarks/model_variants.py outputs \\
        -o haswell.npz --variant fused=...
    .venv/bin/python benchmarks/model_variants.py compare native.npz haswell.npz

Each variant runs as the model folder (``--model``, default the shipped one) with its
``model.onnx`` replaced, through unspin's own session options and Analyzer. ``outputs`` reads
the op-ed example, the README's stdin example and (``--articles``) a few PTC articles.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
STDIN_EXAMPLE = (
    "Only a traitor would vote against this glorious plan. Everyone knows the experts are lying "
    "to you."
)
CURRENT = "current model.onnx"


def parse_variant(value: str) -> tuple[str, Path]:
    label, _, path = value.partition("=")
    if not path or not Path(path).is_file():
        raise argparse.ArgumentTypeError(f"{value!r}: expected LABEL=MODEL_FILE")
    return label, Path(path)


@contextmanager
def model_folders(model: str | None, variants: list[tuple[str, Path]]) -> Iterator[dict[str, Path]]:
    """Label -> model folder: the folder itself, then a copy per variant with its model.onnx."""
    from unspin.inference.model_folder import ModelConfig, resolve_model_dir

    folder = resolve_model_dir(model)
    onnx_file = ModelConfig.load(folder).onnx_file
    with tempfile.TemporaryDirectory() as tmp:
        folders = {CURRENT: folder}
        for n, (label, path) in enumerate(variants):
            copy = Path(tmp) / f"variant-{n}"
            shutil.copytree(folder, copy)
            shutil.copyfile(path, copy / onnx_file)
            folders[label] = copy
        yield folders


def accuracy(args: argparse.Namespace) -> None:
    from unspin.inference import Analyzer
    from unspin.training.config import TrainConfig
    from unspin.training.evaluate import score_analyzer
    from unspin.training.prepare import load_split

    split = load_split(TrainConfig(ptc=str(args.ptc), output=""), log=lambda _: None)
    print(f"seeded split of `unspin train`: {len(split.dev)} dev, {len(split.test)} test articles")
    print("| model | dev SI F1 | dev FLC F1 | dev TC | test SI F1 | test FLC F1 | test TC |")
    print("|---|---|---|---|---|---|---|")
    with model_folders(args.model, args.variant) as folders:
        first: list[float] = []
        for label, folder in folders.items():
            analyzer = Analyzer(folder)
            scores = []
            for pairs in (split.dev, split.test):
                overall = score_analyzer(analyzer, pairs).overall
                scores += [overall.si_f1, overall.flc_f1, overall.tc_micro_f1 or 0.0]
            first = first or scores
            cells = [
                f"{s:.4f}" + (f" ({s - f:+.4f})" if label != CURRENT else "")
                for s, f in zip(scores, first, strict=True)
            ]
            print(f"| {label} | {' | '.join(cells)} |", flush=True)


def example_texts(articles: Path | None, limit: int) -> dict[str, str]:
    texts = {
        "op-ed.txt": (REPO / "src/unspin/examples/op-ed.txt").read_text(encoding="utf-8"),
        "stdin example": STDIN_EXAMPLE,
    }
    if articles:
        for path in sorted(articles.glob("*.txt"))[:limit]:
            texts[path.name] = path.read_text(encoding="utf-8")
    return texts


def outputs(args: argparse.Namespace) -> None:
    """Write, per model and text, the token logits and hidden states of the text cut into
    windows that do not overlap (unspin's session options) and the spans the Analyzer finds."""
    from unspin.inference import Analyzer
    from unspin.inference.token_outputs import onnx_session

    texts = example_texts(args.articles, args.limit)
    arrays: dict[str, np.ndarray] = {}
    spans: dict[str, list[list[object]]] = {}
    with model_folders(args.model, args.variant) as folders:
        for label, folder in folders.items():
            analyzer = Analyzer(folder, threads=1)
            session = onnx_session(
                folder / analyzer.config.onnx_file, analyzer.config.saturation_free
            )
            for name, text in texts.items():
                tokens = analyzer.encoder.encode(text)
                windows = []
                for ids in analyzer.encoder.tiled_ids(tokens, analyzer.config.window_tokens):
                    row = ids[None, :]
                    feeds = {"input_ids": row, "attention_mask": np.ones_like(row)}
                    windows.append([output[0] for output in session.run(None, feeds)])
                arrays[f"{label}|{name}|logits"] = np.concatenate([w[0] for w in windows])
                arrays[f"{label}|{name}|hidden"] = np.concatenate([w[1] for w in windows])
                found = analyzer.analyze(text).spans
                spans[f"{label}|{name}"] = [[s.start, s.end, s.technique, s.score] for s in found]
    arrays["spans"] = np.array(json.dumps(spans))
    np.savez(args.output, **arrays)  # type: ignore[arg-type]
    print(f"wrote {args.output}: {len(folders)} models, {len(texts)} texts")


def compare(args: argparse.Namespace) -> None:
    a, b = np.load(args.first), np.load(args.second)
    spans_a, spans_b = json.loads(str(a["spans"])), json.loads(str(b["spans"]))
    labels = list(dict.fromkeys(key.split("|")[0] for key in spans_a))
    columns = ["model", "max token-logit difference", "tokens with a logit 0.01 apart"]
    columns += ["max hidden-state difference"]
    columns += ["texts with other spans", "max span-score difference"]
    print("| " + " | ".join(columns) + " |\n" + "|---" * len(columns) + "|")
    for label in labels:
        keys = [k for k in a.files if k.startswith(f"{label}|")]
        gaps = [np.abs(a[k] - b[k]).max(axis=-1) for k in keys if k.endswith("logits")]
        logit = max(float(gap.max()) for gap in gaps)
        apart = np.mean(np.concatenate(gaps) > 0.01)
        hidden = max(float(np.abs(a[k] - b[k]).max()) for k in keys if k.endswith("hidden"))
        texts = [k for k in spans_a if k.startswith(f"{label}|")]
        differ = [k for k in texts if [s[:3] for s in spans_a[k]] != [s[:3] for s in spans_b[k]]]
        scores = [
            abs(x[3] - y[3])
            for k in texts
            if k not in differ
            for x, y in zip(spans_a[k], spans_b[k], strict=True)
        ]
        worst = max(scores, default=0.0)
        other = f"{len(differ)} of {len(texts)}"
        print(f"| {label} | {logit:.4f} | {apart:.1%} | {hidden:.2g} | {other} | {worst:.4f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("accuracy", "outputs"):
        command = commands.add_parser(name)
        command.add_argument("--model", default=None, help="model folder (default: shipped)")
        command.add_argument("--variant", type=parse_variant, action="append", default=[])
    commands.choices["accuracy"].add_argument("--ptc", type=Path, required=True)
    commands.choices["outputs"].add_argument("-o", "--output", type=Path, required=True)
    commands.choices["outputs"].add_argument("--articles", type=Path, default=None)
    commands.choices["outputs"].add_argument("--limit", type=int, default=3)
    pair = commands.add_parser("compare")
    pair.add_argument("first", type=Path)
    pair.add_argument("second", type=Path)
    args = parser.parse_args()
    {"accuracy": accuracy, "outputs": outputs, "compare": compare}[args.command](args)


if __name__ == "__main__":
    main()
