"""Average the weights of several trained models into one (a "model soup").

Models fine-tuned from the same encoder with the same seed stay close in weight space, so their
mean is a working model of its own, sometimes better than each, at no extra inference cost
(measure it: the average is scored like any trained model). The
models must share an architecture, labels, tokenizer and data split; the average is exported,
quantised, tuned on dev and scored like a freshly trained model.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from unspin.inference.model_folder import (
    FP32_ONNX_FILE,
    ModelConfig,
    ModelError,
    SpanHead,
)
from unspin.training.config import TRAINING_CONFIG_FILE, Log, TrainConfig
from unspin.training.evaluate import TrainingReport
from unspin.training.export import portable_softmax, write_model_onnx
from unspin.training.folder import finish_model_folder
from unspin.training.prepare import load_split
from unspin.training.warm_start import parameter_names


def average_models(
    folders: Sequence[Path],
    output: Path,
    name: str | None = None,
    version: str | None = None,
    quantize: bool = True,
    log: Log = print,
) -> Path:
    """Write the weight average of the models in ``folders`` to ``output``; returns it.

    Each folder must hold what ``unspin train`` writes (fp32 ONNX, span head, tokenizer,
    config and training config). The new model is named ``name`` and ``version`` (default:
    those of the first model).
    """
    if len(folders) < 2:
        raise ModelError("averaging needs at least two models")
    if output.resolve() in {folder.resolve() for folder in folders}:
        raise ModelError(f"{output}: write the average to a new folder, not over a model")
    started = time.time()
    configs = [_training_config(folder) for folder in folders]
    models = [ModelConfig.load(folder) for folder in folders]
    _check_compatible(folders, configs, models)
    output.mkdir(parents=True, exist_ok=True)

    _average_weights(folders, output / FP32_ONNX_FILE)
    portable_softmax(output / FP32_ONNX_FILE)

    heads = [SpanHead.load(folder, model) for folder, model in zip(folders, models, strict=True)]
    SpanHead(
        np.mean([h.weight for h in heads], axis=0), np.mean([h.bias for h in heads], axis=0)
    ).save(output)
    shutil.copyfile(folders[0] / models[0].tokenizer_file, output / models[0].tokenizer_file)

    config = configs[0]
    config.output = str(output)
    config.name = name or config.name
    config.version = version or config.version
    config.quantize = quantize
    config.extra = {**config.extra, "averaged": [_describe(c) for c in configs]}
    model = models[0]
    model.name, model.version, model.metrics = config.name, config.version, {}
    model.saturation_free = False
    model.save(output)
    config.save(output)
    log(f"averaged {len(folders)} models into {output}")
    split = load_split(config)
    write_model_onnx(output, quantize, log, [document.text for document, _ in split.train])
    seconds = round(time.time() - started, 1)
    report = TrainingReport(average_seconds=seconds)
    finish_model_folder(output, config, split, report, log)
    return output


def _average_weights(folders: Sequence[Path], output: Path) -> None:
    """Write the fp32 ONNX graph of ``folders[0]`` with every float tensor averaged over all."""
    import onnx
    from onnx import numpy_helper

    graphs = [onnx.load(str(folder / FP32_ONNX_FILE)) for folder in folders]
    # By parameter: exports by other torch versions or attention implementations name the
    # linear layers' weights differently.
    others = [_by_parameter(graph.graph) for graph in graphs[1:]]
    names = parameter_names(graphs[0].graph)
    for tensor in graphs[0].graph.initializer:
        if tensor.data_type != onnx.TensorProto.FLOAT:
            continue
        arrays = [numpy_helper.to_array(tensor)]
        for other, folder in zip(others, folders[1:], strict=True):
            match = other.get(names.get(tensor.name, (tensor.name, False))[0])
            if match is None or tuple(match.dims) != tuple(tensor.dims):
                raise ModelError(f"{folder}: weights differ in shape from {folders[0]}")
            arrays.append(numpy_helper.to_array(match))
        mean = np.asarray(np.mean(arrays, axis=0, dtype=np.float64), dtype=np.float32)
        tensor.CopyFrom(numpy_helper.from_array(mean, tensor.name))
    onnx.save(graphs[0], str(output))


def _by_parameter(graph: Any) -> dict[str, Any]:
    """The initializers of ``graph`` by torch parameter name (by their own name otherwise)."""
    names = parameter_names(graph)
    return {names.get(t.name, (t.name, False))[0]: t for t in graph.initializer}


def _training_config(folder: Path) -> TrainConfig:
    path = folder / TRAINING_CONFIG_FILE
    if not path.is_file():
        raise ModelError(f"{folder}: no {TRAINING_CONFIG_FILE} (not written by unspin train)")
    if not (folder / FP32_ONNX_FILE).is_file():
        raise ModelError(f"{folder}: no {FP32_ONNX_FILE} to average")
    return TrainConfig.load(folder)


def _check_compatible(
    folders: Sequence[Path], configs: Sequence[TrainConfig], models: Sequence[ModelConfig]
) -> None:
    """Same labels, windows, tokenizer and data split; else averaging is meaningless."""
    first, first_model = configs[0], models[0]
    tokenizer = (folders[0] / first_model.tokenizer_file).read_bytes()
    for folder, config, model in zip(folders[1:], configs[1:], models[1:], strict=True):
        same = (
            model.channels == first_model.channels
            and model.techniques == first_model.techniques
            and model.max_length == first_model.max_length
            and (config.ptc, config.seed, config.dev_share, config.test_share)
            == (first.ptc, first.seed, first.dev_share, first.test_share)
            and (config.encoder, config.limit_articles) == (first.encoder, first.limit_articles)
            and (folder / model.tokenizer_file).read_bytes() == tokenizer
        )
        if not same:
            raise ModelError(
                f"{folder} and {folders[0]} differ in labels, windows, tokenizer, encoder or "
                "data split: only runs of one recipe family can be averaged"
            )


def _describe(config: TrainConfig) -> dict[str, object]:
    """One averaged run's training config, kept in the new model's (the card shows each)."""
    return {k: v for k, v in asdict(config).items() if k != "extra"}
