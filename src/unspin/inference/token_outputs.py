"""Run the encoder over a text's windows and put the per-token outputs back together."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from unspin.inference.cancel import raise_if_stopped, stop_event
from unspin.inference.windows import TextEncoder, TokenizedText, Window, pad_batch


class Runner(Protocol):
    """Runs the encoder: ``run(None, {"input_ids", "attention_mask"}) -> [logits, hidden]``.

    An onnxruntime ``InferenceSession`` is one; training passes a torch-backed one.
    """

    def run(self, output_names: None, feeds: dict[str, np.ndarray]) -> list[np.ndarray]: ...


def onnx_session(path: Path, saturation_free: bool = False) -> Runner:
    """An onnxruntime session for ``path`` that gives the same outputs on every run.

    ``saturation_free``: the model's int8 weights cannot saturate the fast kernel
    (``ModelConfig.saturation_free``), which is then exact on every x86 CPU.
    """
    import onnxruntime as ort

    options = ort.SessionOptions()
    # One thread per call: the Analyzer runs several windows at once instead, which on a CPU
    # beats splitting each small matrix product across threads.
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    # On x86 CPUs without VNNI, onnxruntime's fast u8s8 int8 kernel adds pairs of products in
    # 16 bits, which saturate unless the weights were bounded: the same model then gives other
    # logits (up to 1.4 apart) than on a VNNI CPU, whose kernel is exact. This asks for the
    # exact u8u8 kernel there. On an AVX-512 VNNI CPU the option gives bit-identical outputs
    # but runs the slower u8u8 kernel (0.6 of the speed), so it is left off where that kernel
    # is known to be exact (docs/benchmarks.md).
    if not saturation_free and not has_exact_int8_kernel():
        options.add_session_config_entry("session.x64quantprecision", "1")
    session: Runner = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    return session


def has_exact_int8_kernel(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """Whether onnxruntime's default u8s8 kernel is exact here: an x86 CPU with AVX-512 VNNI.

    Read from Linux's ``cpuinfo``; elsewhere (or when unreadable) ``False``, the safe answer.
    """
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    for line in text.splitlines():
        if line.startswith("flags"):
            return "avx512_vnni" in line.partition(":")[2].split()
    return False


@dataclass
class TokenOutputs:
    """Model outputs for one text: what span decoding and the span classifier read.

    ``probabilities`` (n_tokens, n_channels) are sigmoids of the token logits; ``hidden``
    (n_tokens, hidden_size) are the encoder's last hidden states, when asked for.
    """

    tokens: TokenizedText
    probabilities: np.ndarray
    hidden: np.ndarray | None


INLINE_BATCHES = 2
"""Model calls a text needs at most to make them in the calling thread, not through ``map_``."""

Job = tuple[int, Window]
Map = Callable[[Callable[[list[Job]], list[np.ndarray]], Iterable[list[Job]]], Iterable[Any]]


def run_windows(
    encoder: TextEncoder,
    runner: Runner,
    tokenized: Sequence[TokenizedText],
    plans: Sequence[Sequence[Window]],
    n_channels: int,
    hidden_size: int | None,
    batch_size: int = 1,
    map_: Map = map,
) -> list[TokenOutputs]:
    """Token outputs of each text from the windows in ``plans`` (one plan per text).

    Each window's outputs are kept for the tokens it owns (``Window.owned``); tokens owned by
    several windows get the mean of their logits. Inside ``cancel.stop_when`` it stops before
    the next model call once its event is set.
    """
    jobs = [(i, w) for i, plan in enumerate(plans) for w in plan]
    jobs.sort(key=lambda job: job[1].end - job[1].start)
    logit_sums = [np.zeros((len(t), n_channels), np.float32) for t in tokenized]
    counts = [np.zeros((len(t), 1), np.float32) for t in tokenized]
    hidden_sums = (
        [np.zeros((len(t), hidden_size), np.float32) for t in tokenized]
        if hidden_size is not None
        else None
    )
    batches = [jobs[b : b + batch_size] for b in range(0, len(jobs), batch_size)]
    cancel = stop_event()  # read here: the worker threads that run the windows do not see it

    def run(batch: list[Job]) -> list[np.ndarray]:
        raise_if_stopped(cancel)
        rows = [encoder.window_ids(tokenized[i], w) for i, w in batch]
        ids, mask = pad_batch(rows, encoder.pad_id)
        return runner.run(None, {"input_ids": ids, "attention_mask": mask})

    # A short text's few windows run in this thread: in a shared pool they would queue behind
    # every window of the long texts that other threads are analysing.
    mapped = map_(run, batches) if len(batches) > INLINE_BATCHES else map(run, batches)
    for batch, (logits, hidden) in zip(batches, mapped, strict=True):
        for row, (i, window) in enumerate(batch):
            first, stop = window.owned
            inside = slice(1 + first - window.start, 1 + stop - window.start)
            logit_sums[i][first:stop] += logits[row, inside]
            counts[i][first:stop] += 1.0
            if hidden_sums is not None:
                hidden_sums[i][first:stop] += hidden[row, inside]
    results = []
    for i, tokens in enumerate(tokenized):
        denominator = np.maximum(counts[i], 1.0)
        probabilities = 1.0 / (1.0 + np.exp(-logit_sums[i] / denominator))
        hidden_mean = hidden_sums[i] / denominator if hidden_sums is not None else None
        results.append(TokenOutputs(tokens, probabilities.astype(np.float32), hidden_mean))
    return results
