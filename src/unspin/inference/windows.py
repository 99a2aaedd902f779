"""Tokenise a whole text once and cut it into overlapping model windows.

Training and inference share this code, so a model always sees text cut the way it was trained.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer


@dataclass(frozen=True)
class TokenizedText:
    """Token ids of a text (no special tokens) and their ``(start, end)`` character offsets."""

    ids: np.ndarray  # int64, shape (n,)
    offsets: np.ndarray  # int64, shape (n, 2)

    def __len__(self) -> int:
        return int(self.ids.shape[0])


@dataclass(frozen=True)
class Window:
    """Tokens ``[start, end)`` of a text, fed to the model between [CLS] and [SEP]."""

    start: int
    end: int


class TextEncoder:
    """Wraps a ``tokenizers`` tokenizer: whole-text encoding and model-ready windows."""

    def __init__(self, tokenizer: Tokenizer) -> None:
        tokenizer.no_truncation()
        tokenizer.no_padding()
        self.tokenizer = tokenizer
        self.cls_id = _token_id(tokenizer, "[CLS]")
        self.sep_id = _token_id(tokenizer, "[SEP]")
        self.pad_id = _token_id(tokenizer, "[PAD]")

    @classmethod
    def from_file(cls, path: Path) -> TextEncoder:
        return cls(Tokenizer.from_file(str(path)))

    def encode(self, text: str) -> TokenizedText:
        encoding = self.tokenizer.encode(text, add_special_tokens=False)
        ids = np.asarray(encoding.ids, dtype=np.int64)
        offsets = np.asarray(encoding.offsets, dtype=np.int64).reshape(-1, 2)
        return TokenizedText(ids, offsets)

    def encode_batch(self, texts: list[str]) -> list[TokenizedText]:
        encodings = self.tokenizer.encode_batch(texts, add_special_tokens=False)
        return [
            TokenizedText(
                np.asarray(e.ids, dtype=np.int64),
                np.asarray(e.offsets, dtype=np.int64).reshape(-1, 2),
            )
            for e in encodings
        ]

    def window_ids(self, tokens: TokenizedText, window: Window) -> np.ndarray:
        """Model input ids for one window: ``[CLS] tokens [SEP]``."""
        body = tokens.ids[window.start : window.end]
        return np.concatenate(([self.cls_id], body, [self.sep_id])).astype(np.int64)


def plan_windows(n_tokens: int, size: int, stride: int) -> list[Window]:
    """Windows of at most ``size`` tokens starting every ``stride`` tokens, covering all tokens."""
    if size <= 0 or not 0 < stride <= size:
        raise ValueError(f"need 0 < stride <= size, got size={size}, stride={stride}")
    if n_tokens <= size:
        return [Window(0, n_tokens)] if n_tokens else []
    windows: list[Window] = []
    start = 0
    while True:
        end = min(start + size, n_tokens)
        windows.append(Window(start, end))
        if end == n_tokens:
            return windows
        start += stride


def pad_batch(rows: list[np.ndarray], pad_id: int) -> tuple[np.ndarray, np.ndarray]:
    """Right-pad id rows to one length; returns ``(input_ids, attention_mask)``."""
    length = max(len(r) for r in rows)
    ids = np.full((len(rows), length), pad_id, dtype=np.int64)
    mask = np.zeros((len(rows), length), dtype=np.int64)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = row
        mask[i, : len(row)] = 1
    return ids, mask


def _token_id(tokenizer: Tokenizer, token: str) -> int:
    token_id = tokenizer.token_to_id(token)
    if token_id is None:
        raise ValueError(f"tokenizer has no {token} token")
    return int(token_id)
