"""Plain-text input: bytes to ``str`` with a clear error for everything that is not text.

UTF-8 (with or without a byte-order mark) is tried first. Other encodings are used only when
declared (a caller-supplied charset, a UTF-16/32 byte-order mark, an HTML ``<meta charset>``)
or detected with confidence by charset-normalizer. Newlines are kept exactly as stored, so
character offsets index the text the way the file holds it.
"""

from __future__ import annotations

import codecs
import io
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, TextIO

from unspin.formats.errors import FormatError

MAX_TEXT_BYTES = 5_000_000
"""Largest input accepted by default (bytes)."""

_HEAD_BYTES = 1 << 20
"""How much of a streamed file its encoding is judged by."""
_MAX_CONTROL_SHARE = 0.05
_MAX_DETECTION_CHAOS = 0.2
_WESTERN_DEFAULT = "cp1252"
_MIN_DETECTION_BYTES = 16
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")
_UNDECODED = re.compile("[\udc80-\udcff]")


def decode_bytes(
    data: bytes, name: str, *, encoding: str | None = None, max_bytes: int = MAX_TEXT_BYTES
) -> str:
    """Decode ``data`` (read from ``name``) to text, or raise a FormatError saying why not.

    ``encoding`` is a declared charset (e.g. from an HTTP header), tried after UTF-8.
    """
    if len(data) > max_bytes:
        raise FormatError(name, f"is larger than the limit of {max_bytes:,} bytes")
    codec, skip = _codec(data, name, encoding)
    try:
        text = data[skip:].decode(codec)
    except UnicodeDecodeError as error:
        reason = f"invalid {codec} after its byte-order mark ({error.reason})"
        raise FormatError(name, reason) from None
    _check_text(text, name)
    return text


def read_text_file(path: str | Path, *, max_bytes: int = MAX_TEXT_BYTES) -> str:
    """Read a text file, decoding it as :func:`decode_bytes` does."""
    return decode_bytes(read_file_bytes(path, max_bytes=max_bytes), str(path), max_bytes=max_bytes)


def read_exact_utf8(path: str | Path, *, max_bytes: int = MAX_TEXT_BYTES) -> str:
    """The text of a UTF-8 file exactly as stored: newlines untranslated, empty allowed.

    For files whose characters other files index by offset (PTC articles, brat texts), where
    guessing an encoding or dropping a character would move every offset after it.
    """
    data = read_file_bytes(path, max_bytes=max_bytes)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise FormatError(path, f"not UTF-8 ({error.reason} at byte {error.start})") from None


def read_file_bytes(path: str | Path, *, max_bytes: int = MAX_TEXT_BYTES) -> bytes:
    """The bytes of a file of at most ``max_bytes``, or a FormatError saying why not."""
    path = _existing_file(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise FormatError(path, f"is larger than the limit of {max_bytes:,} bytes")
        return path.read_bytes()
    except OSError as error:
        raise FormatError(path, error.strerror or str(error)) from None


def open_text_stream(path: str | Path) -> TextIO:
    """Open a text file of any size to read line by line, newlines untranslated.

    The encoding is judged from the file's first MiB as :func:`decode_bytes` judges it; a later
    byte that does not fit it is read as a lone surrogate (see :func:`has_undecoded`).
    """
    path = _existing_file(path)
    try:
        handle = path.open("rb")
    except OSError as error:
        raise FormatError(path, error.strerror or str(error)) from None
    try:
        head = handle.read(_HEAD_BYTES)
        complete = len(head) < _HEAD_BYTES
        codec, skip = _codec(head, str(path), complete=complete)
        decoder = codecs.getincrementaldecoder(codec)(errors="ignore")
        _check_text(decoder.decode(head[skip:], final=complete), str(path))
        handle.seek(skip)
    except BaseException:
        handle.close()
        raise
    return io.TextIOWrapper(handle, encoding=codec, errors="surrogateescape", newline="")


_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


class LineDecoder:
    """Decodes the lines of a record file one by one, and says afterwards what it did.

    A line that is UTF-8 is read as UTF-8. A line that is not: when it holds no UTF-8 at all it
    is read in the file's legacy code page (detected from the first such line, else
    Windows-1252); when it mixes UTF-8 with stray bytes, the UTF-8 is kept and each stray byte
    becomes U+FFFD. So one stray byte costs one character of one line, never the whole file.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.legacy: str | None = None
        self.legacy_lines: list[int] = []
        self.replaced_lines: list[int] = []

    def decode(self, data: bytes, number: int) -> str:
        """Line ``number`` (1-based) of the file as text."""
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        if _UTF8_SEQUENCE.search(data):
            self.replaced_lines.append(number)
            return data.decode("utf-8", errors="replace")
        if self.legacy is None:
            self.legacy = _detect(data) or _WESTERN_DEFAULT
        self.legacy_lines.append(number)
        return data.decode(self.legacy, errors="replace")

    def notes(self) -> list[str]:
        """What was not read as UTF-8, line by line (empty when every line was UTF-8)."""
        notes = []
        if self.legacy_lines:
            notes.append(
                f"{_lines_named(self.legacy_lines)} not UTF-8: read as {self.legacy} "
                "(the other lines as UTF-8)"
            )
        if self.replaced_lines:
            notes.append(
                f"{_lines_named(self.replaced_lines)} UTF-8 with stray bytes: each stray byte "
                "read as U+FFFD"
            )
        return notes


def _lines_named(numbers: list[int], shown: int = 10) -> str:
    listed = ", ".join(map(str, numbers[:shown])) + (", …" if len(numbers) > shown else "")
    return f"line {listed} was" if len(numbers) == 1 else f"{len(numbers)} lines ({listed}) were"


class RecordLines:
    """The lines of a record file (JSONL, CSV), each decoded on its own by a LineDecoder.

    Iterating yields each line as text, or None for a line over ``limit`` bytes (skipped to its
    end). A file with a UTF-16 or UTF-32 byte-order mark is read in that encoding throughout.
    """

    def __init__(self, stream: BinaryIO, name: str, limit: int) -> None:
        self.name = name
        self.limit = limit
        self.decoder = LineDecoder(name)
        codec, skip = None, 0
        if isinstance(stream, io.BufferedReader):  # files and a real stdin: check the start
            codec, skip = _head_codec(stream.peek(_HEAD_BYTES)[:_HEAD_BYTES], name)
            stream.read(skip)
        self.stream = stream
        self.wide = codec

    def __iter__(self) -> Iterator[str | None]:
        if self.wide is not None:
            text = io.TextIOWrapper(self.stream, encoding=self.wide, errors="replace", newline="")
            while line := text.readline(self.limit + 1):
                yield line if len(line.encode(errors="replace")) <= self.limit else None
            return
        number = 0
        while data := self.stream.readline(self.limit + 1):
            number += 1
            if len(data) > self.limit:
                while data and not data.endswith((b"\n", b"\r")):
                    data = self.stream.readline(self.limit + 1)
                yield None
                continue
            yield self.decoder.decode(data, number)

    def notes(self) -> list[str]:
        """What was not read as UTF-8 (see :meth:`LineDecoder.notes`)."""
        return self.decoder.notes()


def open_record_lines(path: str | Path, limit: int) -> RecordLines:
    """A record file's lines (see :class:`RecordLines`); close ``.stream`` when done."""
    path = _existing_file(path)
    try:
        stream = path.open("rb", buffering=_HEAD_BYTES)
    except OSError as error:
        raise FormatError(path, error.strerror or str(error)) from None
    try:
        return RecordLines(stream, str(path), limit)
    except BaseException:
        stream.close()
        raise


def _head_codec(head: bytes, name: str) -> tuple[str | None, int]:
    """The codec a UTF-16/32 byte-order mark declares (and the mark's length), else None."""
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return (None if codec == "utf-8" else codec), len(bom)
    if b"\x00" in head:
        raise FormatError(name, "looks like binary data, not text (contains NUL bytes)")
    _check_text(head.decode("utf-8", errors="ignore"), name)
    return None, 0


def has_undecoded(text: str) -> bool:
    """Whether ``text`` from :func:`open_text_stream` holds bytes its encoding did not decode."""
    return _UNDECODED.search(text) is not None


def _existing_file(path: str | Path) -> Path:
    path = Path(path)
    if not path.exists():
        raise FormatError(path, "no such file")
    if path.is_dir():
        raise FormatError(path, "is a directory, expected a file")
    return path


def _check_text(text: str, name: str) -> None:
    if not text.strip():
        raise FormatError(name, "is empty")
    if _control_share(text) > _MAX_CONTROL_SHARE:
        raise FormatError(name, "looks like binary data, not text")


def _codec(
    data: bytes, name: str, declared: str | None = None, *, complete: bool = True
) -> tuple[str, int]:
    """The codec of ``data`` (all the input, or only its head if not ``complete``) and the
    length of its byte-order mark."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec, len(bom)
    if b"\x00" in data:
        raise FormatError(name, "looks like binary data, not text (contains NUL bytes)")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=complete)
        return "utf-8", 0
    except UnicodeDecodeError as error:
        utf8_error = error
    for candidate in (declared, _meta_charset(data)):
        if candidate and _known_codec(candidate) and _decodes(data, candidate, complete):
            return candidate, 0
    detected = _detect(data)
    if detected is not None:
        return detected, 0
    raise FormatError(
        name,
        f"is not UTF-8 (invalid byte at offset {utf8_error.start}) and its encoding "
        "could not be detected; convert it to UTF-8",
    )


def _decodes(data: bytes, codec: str, complete: bool) -> bool:
    try:
        codecs.getincrementaldecoder(codec)().decode(data, final=complete)
    except UnicodeDecodeError:
        return False
    return True


def _meta_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def _known_codec(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


def _detect(data: bytes) -> str | None:
    """The encoding charset-normalizer finds with confidence, if any."""
    from charset_normalizer import from_bytes

    matches = [m for m in from_bytes(data) if not m.encoding.startswith(("utf_16", "utf_32"))]
    if not matches or len(data) < _MIN_DETECTION_BYTES:
        return None
    best = matches[0]
    if best.chaos > _MAX_DETECTION_CHAOS:
        return None
    # Short Western texts often fit several single-byte code pages equally well; prefer the
    # commonest one, Windows-1252, when it ties with the best guess.
    for match in matches:
        tied = (match.chaos, match.coherence) == (best.chaos, best.coherence)
        if tied and match.encoding == _WESTERN_DEFAULT:
            return _WESTERN_DEFAULT
    return str(best.encoding)


def _control_share(text: str) -> float:
    sample = text[:100_000]
    controls = sum(
        1 for char in sample if char not in _ALLOWED_CONTROLS and unicodedata.category(char) == "Cc"
    )
    return controls / len(sample)


__all__ = [
    "MAX_TEXT_BYTES",
    "LineDecoder",
    "RecordLines",
    "decode_bytes",
    "has_undecoded",
    "open_record_lines",
    "open_text_stream",
    "read_exact_utf8",
    "read_file_bytes",
    "read_text_file",
]
