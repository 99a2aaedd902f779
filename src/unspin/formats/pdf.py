"""PDF input: the text layer and title of a PDF, read from memory with pypdf.

pypdf comes with the ``web`` and ``store`` extras. A scanned PDF has no text layer and is
refused; so is an encrypted one, unless it opens with the empty password.
"""

from __future__ import annotations

import io
import logging

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
            pages.append(page.extract_text().strip())
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


__all__ = ["PDF_SUFFIXES", "pdf_text"]
