"""The data model: ``Document``, ``Span``, ``Analysis`` and their JSON form."""

from unspin.schema.model import (
    SCHEMA_VERSION,
    Analysis,
    Document,
    ModelInfo,
    SchemaError,
    Span,
    Summary,
    check_unicode,
    in_reading_order,
    parse_date,
)
from unspin.schema.sentences import sentence_spans

__all__ = [
    "SCHEMA_VERSION",
    "Analysis",
    "Document",
    "ModelInfo",
    "SchemaError",
    "Span",
    "Summary",
    "check_unicode",
    "in_reading_order",
    "parse_date",
    "sentence_spans",
]
