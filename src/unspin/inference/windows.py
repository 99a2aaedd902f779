"""Tokenise a whole text once and cut it into overlapping model windows.

Training and inference share this code, so a model always sees text cut the way it was trained.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tokenizers import Encoding, Tokenizer


@dataclass(frozen=True)
class TokenizedText:
    """Token ids of a text (no special tokens) and their ``(start, end)`` character offsets."""

    ids: np.ndarray  # int64, shape (n,)
    offsets: np.ndarray  # int64, shape (n, 2)

    def __len__(self) -> int:
        return int(self.ids.shape[0])


@dataclass(frozen=True)
class Window:
    """Tokens ``[start, end)`` of a text, fed to the model between the start and end tokens.

    ``core``: the tokens whose outputs are taken from this window (``None``: all of them); the
    rest is context.
    """

    start: int
    end: int
    core: tuple[int, int] | None = None

    @property
    def owned(self) -> tuple[int, int]:
        """The ``(start, end)`` tokens whose outputs come from this window."""
        return self.core or (self.start, self.end)


class TextEncoder:
    """Wraps a ``tokenizers`` tokenizer: whole-text encoding and model-ready windows.

    The tokens that open and close a window (``[CLS]``/``[SEP]`` for BERT, ``<s>``/``</s>`` for
    XLM-RoBERTa) are the ones the tokenizer's post-processor wraps a text in; the padding token
    is the one its padding settings name.
    """

    def __init__(self, tokenizer: Tokenizer) -> None:
        padding = tokenizer.padding
        tokenizer.no_truncation()
        tokenizer.no_padding()
        self.tokenizer = tokenizer
        wrapped = tokenizer.encode("", add_special_tokens=True).ids
        if len(wrapped) != 2:
            raise ValueError("tokenizer does not wrap a text in one start and one end token")
        self.cls_id, self.sep_id = int(wrapped[0]), int(wrapped[1])
        self.pad_id = int(padding["pad_id"]) if padding else _token_id(tokenizer, "[PAD]")

    @classmethod
    def from_file(cls, path: Path) -> TextEncoder:
        return cls(Tokenizer.from_file(str(path)))

    def encode(self, text: str) -> TokenizedText:
        return _tokenized(text, self.tokenizer.encode(text, add_special_tokens=False))

    def encode_batch(self, texts: list[str]) -> list[TokenizedText]:
        encodings = self.tokenizer.encode_batch(texts, add_special_tokens=False)
        return [_tokenized(text, e) for text, e in zip(texts, encodings, strict=True)]

    def window_ids(self, tokens: TokenizedText, window: Window) -> np.ndarray:
        """Model input ids for one window: ``[CLS] tokens [SEP]`` (the tokenizer's own)."""
        body = tokens.ids[window.start : window.end]
        return np.concatenate(([self.cls_id], body, [self.sep_id])).astype(np.int64)

    def tiled_ids(self, tokens: TokenizedText, size: int) -> list[np.ndarray]:
        """Model input ids of ``tokens`` cut into windows of ``size`` that do not overlap."""
        return [self.window_ids(tokens, w) for w in plan_windows(len(tokens), size, size)]


def _tokenized(text: str, encoding: Encoding) -> TokenizedText:
    """``encoding`` as arrays, without the tokens that cover only the whitespace ending ``text``.

    A SentencePiece-style tokenizer (the multilingual model's) makes a lone word-start piece of
    trailing whitespace, which SentencePiece itself strips: kept, it would make ``"text\\n"``
    (a line read from a file or stdin) read differently from ``"text"``.
    """
    ids = np.asarray(encoding.ids, dtype=np.int64)
    offsets = np.asarray(encoding.offsets, dtype=np.int64).reshape(-1, 2)
    keep = len(ids)
    while keep and not text[offsets[keep - 1, 0] : offsets[keep - 1, 1]].strip():
        keep -= 1
    return TokenizedText(ids[:keep], offsets[:keep])


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


_CLOSERS = "\"'”’)]"
LANDMARK_EVERY = 6
"""One sentence or paragraph in this many, chosen by its text, starts a window core."""
CONTEXT_TOKENS = 16
"""Tokens of context read on each side of a window core (a model's config may say otherwise)."""


def plan_aligned_windows(
    text: str,
    tokens: TokenizedText,
    size: int,
    margin: int = 0,
    landmark_every: int = LANDMARK_EVERY,
) -> list[Window]:
    """Windows whose cores tile the text without overlap, cut where the text's content says.

    A core never runs past a *landmark*: a sentence or paragraph whose text hashes to a multiple
    of ``landmark_every`` (content-defined chunking, as in rsync). Between landmarks, cores hold
    whole paragraphs, as many as fit in ``size - 2 * margin`` tokens; a paragraph too long for
    that is cut after a sentence, and only a sentence too long as well is cut mid-way.
    ``margin`` tokens of context on each side (where the text has them) are read with it. So
    the same passage is cut the same way wherever it appears, in whatever text: its analysis
    does not depend on where a window boundary happens to fall. A text that fits in one
    window is read whole.
    """
    n = len(tokens)
    if size <= 2 * margin or margin < 0:
        raise ValueError(f"need 0 <= 2 * margin < size, got size={size}, margin={margin}")
    if n <= size:
        return [Window(0, n)] if n else []
    paragraph, sentence = token_boundaries(text, tokens)
    landmark = _landmarks(text, tokens, paragraph | sentence, landmark_every)
    room = size - 2 * margin
    windows = []
    start = 0
    while start < n:
        limit = min(start + room, n)
        stop = limit
        following = np.flatnonzero(landmark[start + 1 : limit + 1])
        if following.size:
            stop = start + 1 + int(following[0])
        elif limit < n:
            stop = (
                _last_boundary(paragraph, start, limit)
                or _last_boundary(sentence, start, limit)
                or limit
            )
        windows.append(Window(max(0, start - margin), min(n, stop + margin), (start, stop)))
        start = stop
    return windows


def token_boundaries(text: str, tokens: TokenizedText) -> tuple[np.ndarray, np.ndarray]:
    """For each token, whether a paragraph (after a line break) or a sentence starts with it.

    A sentence starts after whitespace that follows ``.``, ``!`` or ``?`` (closing quotes or
    brackets may come between).
    """
    offsets = tokens.offsets
    paragraph = np.zeros(len(offsets), bool)
    sentence = np.zeros(len(offsets), bool)
    for i in range(1, len(offsets)):
        gap = text[offsets[i - 1, 1] : offsets[i, 0]]
        if not gap or not gap.isspace():
            continue
        if "\n" in gap:
            paragraph[i] = True
            continue
        before = text[max(0, offsets[i - 1, 1] - 3) : offsets[i - 1, 1]].rstrip(_CLOSERS)
        sentence[i] = before.endswith((".", "!", "?"))
    return paragraph, sentence


def _landmarks(text: str, tokens: TokenizedText, starts: np.ndarray, every: int) -> np.ndarray:
    """For each token, whether a unit (sentence or paragraph) starts there whose text hashes
    to a multiple of ``every``; CRC-32 is the same on every machine and run."""
    marks = np.zeros(len(starts), bool)
    firsts = np.flatnonzero(starts)
    ends = [int(tokens.offsets[i, 0]) for i in firsts[1:]] + [len(text)] * bool(firsts.size)
    for first, end in zip(firsts, ends, strict=True):
        unit = text[int(tokens.offsets[first, 0]) : end].strip()
        marks[first] = zlib.crc32(unit.encode("utf-8", "surrogatepass")) % every == 0
    return marks


def _last_boundary(marks: np.ndarray, start: int, limit: int) -> int | None:
    """The last token in ``(start, limit]`` that starts a unit, if any."""
    found = np.flatnonzero(marks[start + 1 : limit + 1])
    return int(start + 1 + found[-1]) if found.size else None


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
