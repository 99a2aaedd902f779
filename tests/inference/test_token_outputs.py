"""The encoder's onnxruntime session: the int8 kernel it asks for, and what that changes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest

from unspin.inference.model_folder import DEFAULT_MODEL_DIR, TOKENIZER_FILE, ModelConfig
from unspin.inference.token_outputs import has_exact_int8_kernel, onnx_session
from unspin.inference.windows import CONTEXT_TOKENS, TextEncoder, plan_aligned_windows

EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "unspin" / "examples"

FLAGS = "fpu vme sse sse2 avx avx2 fma"


@pytest.mark.parametrize(
    ("cpuinfo", "exact"),
    [
        (f"processor\t: 0\nflags\t\t: {FLAGS} avx512f avx512_vnni\n", True),
        (f"processor\t: 0\nflags\t\t: {FLAGS}\n", False),
        # AVX-VNNI without AVX-512: its kernel is not measured here, so the option stays on.
        (f"processor\t: 0\nflags\t\t: {FLAGS} avx_vnni\n", False),
        ("processor\t: 0\nFeatures\t: fp asimd asimddp\n", False),  # an ARM CPU
        (f"processor\t: 0\nvendor\t: avx512_vnni\nflags\t\t: {FLAGS}\n", False),
    ],
)
def test_exact_int8_kernel_read_from_cpu_flags(tmp_path: Path, cpuinfo: str, exact: bool) -> None:
    path = tmp_path / "cpuinfo"
    path.write_text(cpuinfo, encoding="utf-8")
    assert has_exact_int8_kernel(path) is exact


def test_no_cpuinfo_means_no_exact_kernel(tmp_path: Path) -> None:
    assert has_exact_int8_kernel(tmp_path / "missing") is False


def test_session_outputs_equal_those_of_the_exact_u8u8_kernel() -> None:
    """Leaving ``session.x64quantprecision`` off where the CPU's kernel is exact changes no bit
    of the outputs (windows of the op-ed, logits and hidden states)."""
    config = ModelConfig.load(DEFAULT_MODEL_DIR)
    model = str(DEFAULT_MODEL_DIR / config.onnx_file)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.add_session_config_entry("session.x64quantprecision", "1")
    exact = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    session = onnx_session(Path(model))
    encoder = TextEncoder.from_file(DEFAULT_MODEL_DIR / TOKENIZER_FILE)
    text = (EXAMPLES / "op-ed.txt").read_text(encoding="utf-8")
    tokens = encoder.encode(text)
    # The op-ed fits one full window; short ones too give windows of several lengths.
    windows = [
        *plan_aligned_windows(text, tokens, config.window_tokens, CONTEXT_TOKENS),
        *plan_aligned_windows(text, tokens, 64, CONTEXT_TOKENS),
    ]
    assert len({w.end - w.start for w in windows}) > 2
    for window in windows:
        ids = encoder.window_ids(tokens, window)[None, :]
        feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
        for ours, theirs in zip(session.run(None, feeds), exact.run(None, feeds), strict=True):
            assert np.array_equal(ours, theirs)


@pytest.mark.parametrize("saturation_free", [False, True])
def test_a_saturation_free_model_keeps_the_fast_kernel_on_every_cpu(
    monkeypatch: pytest.MonkeyPatch, saturation_free: bool
) -> None:
    """On a CPU without VNNI, only a model whose weights may saturate asks for the slow
    exact kernel."""
    import unspin.inference.token_outputs as token_outputs

    monkeypatch.setattr(token_outputs, "has_exact_int8_kernel", lambda: False)
    config = ModelConfig.load(DEFAULT_MODEL_DIR)
    session = onnx_session(DEFAULT_MODEL_DIR / config.onnx_file, saturation_free)
    options = session.get_session_options()  # type: ignore[attr-defined]
    try:
        asked = options.get_session_config_entry("session.x64quantprecision") == "1"
    except RuntimeError:  # onnxruntime's answer for a key never set
        asked = False
    assert asked is not saturation_free


def test_the_shipped_model_computes_the_same_on_every_x86_cpu() -> None:
    """Its int8 weights cannot saturate and its graph has no Softmax (whose exponential
    differs between AVX-512 and AVX2 builds of the same kernel)."""
    onnx = pytest.importorskip("onnx")
    from unspin.training.exact_int8 import model_within_bound

    config = ModelConfig.load(DEFAULT_MODEL_DIR)
    path = DEFAULT_MODEL_DIR / config.onnx_file
    assert config.saturation_free and model_within_bound(path)
    assert "Softmax" not in {node.op_type for node in onnx.load(str(path)).graph.node}
