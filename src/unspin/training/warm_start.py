"""``unspin train --init``: start from the weights of an existing model folder.

A model folder keeps its network as ONNX: ``model.fp32.onnx`` where training left it, else the
int8 ``model.onnx`` that ships (its weights are dequantised, ``(q - zero_point) * scale``). The
graph's initializers carry the torch parameter names (``model.<parameter>``) except the weights
of linear layers, which are named after the graph node that multiplies by them; the node's path
(``/model/encoder/.../query/MatMul``) names the layer. The span classifier comes from
``span_head.npz``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import torch

from unspin.inference.model_folder import FP32_ONNX_FILE, ModelConfig, SpanHead
from unspin.training.data import DataError
from unspin.training.model import SpanTagger

_PREFIX = "model."
_QUANTIZED = "_quantized"
_UNUSED = ("encoder.pooler.", "encoder.embeddings.position_ids")
"""Parameters the exported graph leaves out because the tagger never uses them."""


def load_folder_weights(model: SpanTagger, folder: Path, channels: list[str]) -> Path:
    """Set ``model``'s weights to those of the model folder ``folder``; return the ONNX file
    read. Raises DataError when the folder's channels or network do not fit ``model``.

    A shallower ``model`` (an encoder with fewer layers) takes the folder's bottom layers: a
    small student can start from a trained model that way. A folder with narrower feed-forward
    blocks (``--ffn-width``) narrows ``model`` to fit."""
    config = ModelConfig.load(folder)
    if config.channels != channels:
        raise DataError(f"--init {folder}: its channels {config.channels} are not {channels}")
    onnx_path: Path = folder / FP32_ONNX_FILE
    if not onnx_path.is_file():
        onnx_path = folder / config.onnx_file
    state = onnx_weights(onnx_path)
    head = SpanHead.load(folder, config)
    state["span_head.weight"] = head.weight.T
    state["span_head.bias"] = head.bias
    width = state.get(_FFN_BIAS)
    if width is not None and len(width) < model.ffn_width:
        model.narrow_ffn(len(width))
    expected = model.state_dict()
    encoder_settings: Any = model.encoder.config
    layers = int(encoder_settings.num_hidden_layers)
    depth = _encoder_depth(state)
    if depth < layers:
        raise DataError(
            f"--init {folder}: its encoder has {depth} layers, the one being trained {layers}; "
            f"give --layers {depth}"
        )
    state = _without_deeper_layers(state, layers)
    missing = [k for k in expected if k not in state and not k.startswith(_UNUSED)]
    unexpected = [k for k in state if k not in expected]
    wrong = [k for k in state if k in expected and tuple(expected[k].shape) != state[k].shape]
    if missing or unexpected or wrong:
        raise DataError(
            f"--init {folder}: its network does not fit the encoder being trained "
            f"(missing {missing[:3]}, unknown {unexpected[:3]}, other shapes {wrong[:3]})"
        )
    tensors = {k: torch.from_numpy(np.ascontiguousarray(v, np.float32)) for k, v in state.items()}
    model.load_state_dict(tensors, strict=False)
    return onnx_path


_FFN_BIAS = "encoder.encoder.layer.0.intermediate.dense.bias"
_LAYER = re.compile(r"\.layer\.(\d+)\.")


def _without_deeper_layers(state: dict[str, np.ndarray], layers: int) -> dict[str, np.ndarray]:
    """``state`` without the parameters of encoder layers ``layers`` and above."""
    return {
        name: value
        for name, value in state.items()
        if not ((m := _LAYER.search(name)) and int(m.group(1)) >= layers)
    }


def _encoder_depth(parameters: Iterable[str]) -> int:
    """Encoder layers among torch ``parameters`` names (``encoder.encoder.layer.3.…``)."""
    found = [int(m.group(1)) for name in parameters if (m := _LAYER.search(name))]
    return 1 + max(found, default=-1)


def init_depth(folder: Path) -> int:
    """Encoder layers of the model in the model folder ``folder`` (read from its ONNX graph's
    parameter names, without reading the weights themselves)."""
    import onnx

    graph = onnx.load(str(folder / ModelConfig.load(folder).onnx_file)).graph
    return _encoder_depth(name for name, _ in parameter_names(graph).values())


def carry_decoding(init: Path, output: Path) -> None:
    """Start the new folder with the ``init`` model's decoding settings: they stay when the
    run has no dev articles to tune them on (``--dev-share 0``)."""
    config = ModelConfig.load(output)
    config.decoding = ModelConfig.load(init).decoding
    config.save(output)


def onnx_weights(path: Path) -> dict[str, np.ndarray]:
    """The torch parameters of an exported SpanTagger, read from its ONNX graph."""
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(path)).graph
    arrays = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    state: dict[str, np.ndarray] = {}
    for name, (parameter, transposed) in parameter_names(graph).items():
        value = _value(arrays, name)
        state[parameter] = value.T if transposed else value
    return state


def parameter_names(graph: Any) -> dict[str, tuple[str, bool]]:
    """Initializer name -> (torch parameter name, stored transposed) for the weights in an
    exported SpanTagger's ONNX ``graph`` (float or int8). The initializers of linear layers'
    weights are named by the export (``onnx::MatMul_894``), so they are named here after the
    node that multiplies by them."""
    names = {i.name for i in graph.initializer}
    found = {}
    for name in names:
        if name.startswith(_PREFIX) and not name.endswith(("_scale", "_zero_point")):
            found[name] = (name[len(_PREFIX) :].removesuffix(_QUANTIZED), False)
    for node in graph.node:
        if node.op_type in ("MatMul", "MatMulInteger") and node.input[1] in names:
            layer = ".".join(node.output[0].split("/")[2:-1])
            found[node.input[1]] = (f"{layer}.weight", True)
    return found


def _value(arrays: dict[str, np.ndarray], name: str) -> np.ndarray:
    """An initializer as float32, dequantised when it is int8."""
    value = arrays[name]
    if not name.endswith(_QUANTIZED):
        return value.astype(np.float32)
    stem = name.removesuffix(_QUANTIZED)
    zero = arrays[f"{stem}_zero_point"].astype(np.float32)
    scale = arrays[f"{stem}_scale"].astype(np.float32)
    return (value.astype(np.float32) - zero) * scale
