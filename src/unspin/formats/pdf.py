"""PDF input: the text layer and title of a PDF, read from memory with pypdf.

pypdf comes with the ``web`` and ``store`` extras. A scanned PDF has no text layer and is
refused; so is an encrypted one, unless it opens with the empty password.
"""

from __future__ import annotations

import io
import logging
import re

from unspin.formats.errors import FormatError

PDF_SUFFIXES = frozenset({".pdf"})

# pypdf warns about every repair it makes; unless the application logs them, say only the error.
logging.getLogger("pypdf").addHandler(logging.NullHandler())


def pdf_text(data: bytes, name: str, *, max_chars: int | None = None) -> tuple[str, str | None]:
    """The text of the PDF ``data`` (read from ``name``) and its title, or a FormatError.

    Pages are read until the text is longer than ``max_chars``: a caller that bounds the text
    still sees that it is too long, without the rest of the PDF being read.
    """
    try:
        from pypdf import PdfReader
        from pypdf.errors import DependencyError, FileNotDecryptedError
    except ImportError:
        raise FormatError(name, "reading a PDF needs pypdf (pip install pypdf)") from None
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise FileNotDecryptedError("a password is needed")
        pages: list[str] = []
        length = 0
        for page in reader.pages:
            pages.append(join_wrapped_lines(page.extract_text().strip()))
            length += len(pages[-1]) + 2
            if max_chars is not None and length > max_chars:
                break
        title = reader.metadata.title if reader.metadata else None
    except (DependencyError, FileNotDecryptedError):
        raise FormatError(name, "is an encrypted PDF; save a copy without a password") from None
    except Exception as error:  # a malformed PDF can fail anywhere in the parser
        reason = " ".join(str(error).split()) or type(error).__name__
        raise FormatError(name, f"is not a readable PDF ({reason})") from None
    text = "\n\n".join(page for page in pages if page)
    if not text:
        raise FormatError(name, "has no text layer (a scanned PDF needs OCR first)")
    return text, title.strip() if isinstance(title, str) and title.strip() else None


_SENTENCE_END = (".", "!", "?", ":", ";", "…", '"', "”", "’", ")")
_WRAPPED_SHARE = 0.7
"""A line at least this share of the page's longest line, not ending a sentence, was wrapped."""
_HYPHENATED = re.compile(r"(\w+)-$")


def _heading(line: str) -> bool:
    """A line in title case ("Our Town Deserves Better"): a heading, not a wrapped sentence."""
    words = [word for word in line.split() if word[0].isalpha()]
    return len(words) >= 2 and all(word[0].isupper() for word in words)


def join_wrapped_lines(text: str) -> str:
    """``text`` of one PDF page with the line breaks of wrapped lines taken out.

    A line continues on the next when it does not end a sentence and either the next line
    starts in lower case or the line is nearly as long as the page's longest (a short line
    ends a paragraph) and not in title case (a heading). A word broken at a hyphen is joined:
    without the hyphen when the page has the whole word elsewhere (``persua-``/``sion``), with
    it otherwise (``so-``/``called``).
    """
    lines = text.split("\n")
    width = max((len(line.rstrip()) for line in lines), default=0)
    words = set(re.findall(r"\w+", text.casefold()))
    joined = [lines[0]]
    for line in lines[1:]:
        before, after = joined[-1].rstrip(), line.lstrip()
        hyphen = _HYPHENATED.search(before)
        if not before or not after:
            joined.append(line)
        elif hyphen and after[0].islower():
            rest = re.match(r"\w*", after)
            whole = hyphen.group(1) + (rest.group(0) if rest else "")
            keep = "" if whole.casefold() in words else "-"
            joined[-1] = before[:-1] + keep + after
        elif not before.endswith(_SENTENCE_END) and (
            after[0].islower() or (len(before) >= _WRAPPED_SHARE * width and not _heading(before))
        ):
            joined[-1] = f"{before} {after}"
        else:
            joined.append(line)
    return "\n".join(joined)


__all__ = ["PDF_SUFFIXES", "join_wrapped_lines", "pdf_text"]
