"""Writing a model folder: its skeleton before training, the span head, and the finish (decoding
tuned on dev, scores, model card, run log)."""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import asdict
from pathlib import Path

from unspin.inference.analyzer import Analyzer
from unspin.inference.model_folder import TOKENIZER_FILE, ModelConfig, SpanHead, default_stride
from unspin.training.card import CardFacts, write_model_card
from unspin.training.config import Log, TrainConfig
from unspin.training.data import Split, describe_data, load_semeval2021
from unspin.training.evaluate import (
    TextExpertReport,
    TrainingReport,
    score_analyzer,
    tune_decoding,
)
from unspin.training.model import SpanTagger
from unspin.training.prepare import MEME_DEV_FILES, load_split, load_training_memes

RUN_LOG_FILE = "runs.jsonl"


def start_model_folder(
    output: Path,
    encoder_path: Path,
    config: TrainConfig,
    channels: list[str],
    techniques: list[str],
) -> None:
    """Write tokenizer and config: the folder serves a torch-backed Analyzer before export."""
    shutil.copyfile(encoder_path / "tokenizer.json", output / TOKENIZER_FILE)
    ModelConfig(
        name=config.name,
        version=config.version,
        channels=channels,
        techniques=techniques,
        max_length=config.max_length,
        stride=config.inference_stride or default_stride(config.max_length),
        context_tokens=config.context_tokens,
        base_encoder=base_encoder_name(config, encoder_path),
    ).save(output)


def base_encoder_name(config: TrainConfig, encoder_path: Path) -> str:
    """The encoder a model folder names as its base: the folder's name (all-MiniLM-L6-v2 by
    default), and the layers and feed-forward units kept when the run kept only some."""
    name = encoder_path.name if config.encoder else "all-MiniLM-L6-v2"
    if config.layers:
        name += f", bottom {config.layers} layers"
    if config.ffn_width:
        name += f", feed-forward {config.ffn_width}"
    return name


def write_span_head(model: SpanTagger, folder: Path) -> None:
    """The span classifier's weights as numpy arrays (inference runs it without torch)."""
    weight = model.span_head.weight.detach().numpy().T
    SpanHead(weight, model.span_head.bias.detach().numpy()).save(folder)


def finish_model_folder(
    output: Path, config: TrainConfig, split: Split, report: TrainingReport, log: Log = print
) -> None:
    """Tune the decoding of the exported model in ``output`` on dev, score it, write its card.

    Tuning the exported (int8) model itself matters: quantisation shifts its probabilities
    enough that settings tuned on the torch model cost about 0.01-0.02 SI F1.
    """
    analyzer = Analyzer(output)
    model_config = analyzer.config
    if split.dev:
        model_config.decoding = tune_decoding(analyzer, split.dev)
    _score(analyzer, config, split, report, log)
    model_config.metrics = report.to_metrics()
    model_config.save(output)
    data = describe_data(split, load_training_memes(config, model_config.techniques))
    write_model_card(output, CardFacts(model_config, config, data, report))
    _append_run_log(output, config, model_config.metrics)


def rescore_model_folder(
    folder: Path, config: TrainConfig, expert: TextExpertReport | None = None, log: Log = print
) -> None:
    """Score a finished model folder again after its outputs changed (a new technique
    classifier ``expert``, other int8 weights; decoding settings as they are) and write its card
    anew; earlier facts (epochs, seconds) are kept."""
    analyzer = Analyzer(folder)
    model_config = analyzer.config
    report = TrainingReport.from_metrics(model_config.metrics)
    report.text_expert = expert or report.text_expert
    split = load_split(config)
    _score(analyzer, config, split, report, log)
    model_config.metrics = report.to_metrics()
    model_config.save(folder)
    data = describe_data(split, load_training_memes(config, model_config.techniques))
    write_model_card(folder, CardFacts(model_config, config, data, report))


def _score(
    analyzer: Analyzer, config: TrainConfig, split: Split, report: TrainingReport, log: Log
) -> None:
    """Dev, test and (out of domain) SemEval-2021 dev-meme scores into ``report``."""
    if split.dev:
        report.dev = score_analyzer(analyzer, split.dev)
        log(f"dev (exported model): {json.dumps(asdict(report.dev.overall))}")
    if split.test:
        report.test = score_analyzer(analyzer, split.test)
        log(f"test (exported model): {json.dumps(asdict(report.test.overall))}")
    if config.semeval2021:
        folder = Path(config.semeval2021)
        memes = load_semeval2021(folder, analyzer.config.techniques, MEME_DEV_FILES)
        if memes:
            report.memes = score_analyzer(analyzer, memes, tc=False)


def _append_run_log(output: Path, config: TrainConfig, metrics: dict[str, object]) -> None:
    entry = {
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "config": asdict(config),
        "metrics": {k: v for k, v in metrics.items() if k != "history"},
        "history": metrics.get("history", []),
    }
    with (output / RUN_LOG_FILE).open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry) + "\n")
