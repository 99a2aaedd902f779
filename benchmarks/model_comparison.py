"""How much two English model folders, or two window settings, differ in accuracy (issue 18).

Usage (from the repository root, after ``make install-dev``)::

    # the folder's dev and test scores with other window settings (CONTEXT,LANDMARK_EVERY)
    .venv/bin/python benchmarks/model_comparison.py windows --training TRAINING_CONFIG_DIR \\
        [--model FOLDER] 16,6 8,6 16,12
    # paired bootstrap of two folders' SI and FLC on the SemEval-2021 dev memes
    .venv/bin/python benchmarks/model_comparison.py memes --training TRAINING_CONFIG_DIR \\
        BASELINE_FOLDER OTHER_FOLDER

``--training``: a folder whose ``training_config.json`` names the data and the seeded split
(a ``unspin train`` output; for the shipped default, a copy of that file from a run of its
recipe). Window settings change only how texts are cut (``ModelConfig.context_tokens`` and
``landmark_every``); decoding stays as tuned.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from unspin.inference.analyzer import Analyzer
from unspin.metrics.spans import flc_score, si_score
from unspin.schema import Span
from unspin.training.config import TrainConfig
from unspin.training.data import load_semeval2021
from unspin.training.evaluate import score_analyzer
from unspin.training.prepare import MEME_DEV_FILES, load_split

RESAMPLES = 1000


def windows(config: TrainConfig, model: str | None, settings: list[str]) -> None:
    split = load_split(config)
    analyzer = Analyzer(model)
    for setting in settings:
        context, every = (int(value) for value in setting.split(","))
        analyzer.config.context_tokens, analyzer.config.landmark_every = context, every
        row: dict[str, object] = {"context": context, "landmark_every": every}
        for name, pairs in (("dev", split.dev), ("test", split.test)):
            scores = score_analyzer(analyzer, pairs).overall
            row[name] = {"si": scores.si_f1, "tc": scores.tc_micro_f1, "flc": scores.flc_f1}
        print(json.dumps(row), flush=True)


def memes(config: TrainConfig, folders: list[str]) -> None:
    if not config.semeval2021:
        raise SystemExit("the training config names no SemEval-2021 folder")
    analyzers = [Analyzer(folder) for folder in folders]
    techniques = analyzers[0].config.techniques
    pairs = load_semeval2021(Path(config.semeval2021), techniques, MEME_DEV_FILES)
    gold = {document.id: spans for document, spans in pairs}
    predictions: list[dict[str, list[Span]]] = []
    for analyzer in analyzers:
        outputs = analyzer.iter_token_outputs([d.text for d, _ in pairs])
        decoded = zip(pairs, outputs, strict=True)
        predictions.append({d.id: analyzer.decode(d.text, out) for (d, _), out in decoded})
    ids = sorted(gold)
    rng = np.random.default_rng(0)
    differences: dict[str, list[float]] = {"SI": [], "FLC": []}
    for _ in range(RESAMPLES):
        drawn = [(f"{k}-{ids[i]}", ids[i]) for k, i in enumerate(rng.choice(len(ids), len(ids)))]
        resampled_gold = {key: gold[meme] for key, meme in drawn}
        resampled = [{key: p[meme] for key, meme in drawn} for p in predictions]
        si = [si_score(resampled_gold, p).f1 for p in resampled]
        flc = [flc_score(resampled_gold, p).micro.f1 for p in resampled]
        differences["SI"].append(si[1] - si[0])
        differences["FLC"].append(flc[1] - flc[0])
    n_spans = sum(len(spans) for spans in gold.values())
    print(f"{len(ids)} memes, {n_spans} gold spans; {folders[1]} minus {folders[0]}")
    for name, values in differences.items():
        low, high = np.percentile(values, [2.5, 97.5])
        below = np.mean(np.asarray(values) < 0)
        print(
            f"{name}: mean {np.mean(values):+.4f}, 95 % interval {low:+.4f} to {high:+.4f}, "
            f"below 0 in {below:.1%} of resamples"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    window_parser = commands.add_parser("windows", help="scores with other window settings")
    window_parser.add_argument("--model", default=None, help="model folder (default: shipped)")
    window_parser.add_argument("settings", nargs="+", help="CONTEXT,LANDMARK_EVERY")
    meme_parser = commands.add_parser("memes", help="paired bootstrap on the dev memes")
    meme_parser.add_argument("folders", nargs=2, help="BASELINE OTHER")
    for command in (window_parser, meme_parser):
        command.add_argument(
            "--training", type=Path, required=True, help="folder with training_config.json"
        )
    args = parser.parse_args()
    config = TrainConfig.load(args.training)
    if args.command == "windows":
        windows(config, args.model, args.settings)
    else:
        memes(config, args.folders)


if __name__ == "__main__":
    main()
