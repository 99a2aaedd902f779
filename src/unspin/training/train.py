"""``unspin train``: fine-tune, tune decoding, export to ONNX (int8) and write a model folder.

The rooms of a run: ``config`` (what determines it), ``prepare`` (data), ``loop`` (epochs),
``checkpoint`` (resuming), ``export`` (ONNX) and ``folder`` (the model folder and its card).
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import torch

from unspin.training.checkpoint import CHECKPOINT_FILE, Progress, load_checkpoint
from unspin.training.config import Log, TrainConfig
from unspin.training.distill import TeacherError
from unspin.training.evaluate import TrainingReport
from unspin.training.export import export_onnx
from unspin.training.folder import finish_model_folder, start_model_folder, write_span_head
from unspin.training.loop import keep_best_weights, optimisation, run_epochs, seed_everything
from unspin.training.model import SpanTagger
from unspin.training.prepare import TrainingData, prepare_data
from unspin.training.warm_start import carry_decoding, init_depth, load_folder_weights


def train(config: TrainConfig, log: Log = print, resume: bool = False) -> Path:
    """Run one training job end to end; returns the model folder.

    With ``resume``, an interrupted run goes on from the checkpoint its last finished epoch left
    in the output folder, and ends with the same weights as an uninterrupted run.
    """
    started = time.time()
    seed_everything(config.run_seed)
    torch.set_num_threads(config.threads)
    output = Path(config.output)
    output.mkdir(parents=True, exist_ok=True)
    data = prepare_data(config, log)
    if config.init and config.layers is None:
        config = _layers_of_init(config, data, log)
    model = SpanTagger.from_pretrained(
        data.encoder_path, len(data.channels), len(data.techniques), config.layers
    )
    _check_hidden_width(data, model)
    if config.init:
        read = load_folder_weights(model, Path(config.init), data.channels)
        log(f"starting from the weights of {read}")
    if config.ffn_width and config.ffn_width != model.ffn_width:
        model.narrow_ffn(config.ffn_width)
        log(f"feed-forward blocks narrowed to {config.ffn_width} units")
    parts = optimisation(config, model, len(data.examples))
    start_model_folder(output, data.encoder_path, config, data.channels, data.techniques)
    if config.init:
        carry_decoding(Path(config.init), output)
    checkpoint = output / CHECKPOINT_FILE
    progress = Progress()
    if resume:
        progress = load_checkpoint(checkpoint, config, parts)
        log(f"resuming after epoch {progress.epoch} (step {progress.step})")
    earlier_seconds = progress.seconds
    progress = run_epochs(config, data, parts, progress, output, started, log)
    keep_best_weights(config, data, model, progress, log)

    write_span_head(model, output)
    training_texts = [document.text for document, _ in data.split.train]
    export_onnx(model, output, quantize=config.quantize, log=log, calibration=training_texts)
    config.save(output)
    seconds = round(earlier_seconds + time.time() - started, 1)
    report = TrainingReport(history=progress.history, train_seconds=seconds)
    finish_model_folder(output, config, data.split, report, log)
    checkpoint.unlink(missing_ok=True)
    log(f"model written to {output} ({seconds} s training and export)")
    return output


def _layers_of_init(config: TrainConfig, data: TrainingData, log: Log) -> TrainConfig:
    """``config`` keeping as many encoder layers as its ``--init`` folder's model has, when
    that is fewer than the encoder's (the shipped default keeps 4 of MiniLM's 6)."""
    from transformers import AutoConfig

    depth = init_depth(Path(str(config.init)))
    if depth >= AutoConfig.from_pretrained(str(data.encoder_path)).num_hidden_layers:
        return config
    log(f"--init {config.init} has {depth} encoder layers: keeping the bottom {depth}")
    return replace(config, layers=depth)


def _check_hidden_width(data: TrainingData, model: SpanTagger) -> None:
    """Refuse a teacher whose hidden states the student cannot be pulled towards."""
    taught = next((e.hidden_targets for e in data.examples if e.hidden_targets is not None), None)
    width = model.token_head.in_features
    if taught is not None and taught.shape[1] != width:
        raise TeacherError(
            f"--hidden-weight: the teacher's hidden states have {taught.shape[1]} units and "
            f"the student's {width}; give a teacher of the student's width"
        )
